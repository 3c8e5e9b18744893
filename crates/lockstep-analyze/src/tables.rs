//! The CSV outputs as typed tables, for callers that hand results on in memory (the Python
//! package's Arrow record batches, a Spark job's rows): the files' columns, in the files'
//! order, with the values the files hold (the same rounding), typed instead of printed.
//! Identifiers and times stay text, as the files give them.

use crate::analysis::Analysis;
use crate::network::{Edges, Network};
use crate::pipeline::pair_stats_values;
use lockstep_model::{PostId, NONE};
use lockstep_networks::evidence::time_s;
use lockstep_networks::Value;
use lockstep_output::{rfc3339, schema};
use lockstep_traces::Semantics;
use std::borrow::Cow;

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 64-bit integer.
    Int,
    /// Double; missing where the file's cell is empty.
    Float,
    /// Text.
    Text,
    /// Boolean (`1`/`0` in the file).
    Bool,
}

/// One value of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// An integer.
    Int(i64),
    /// A double; not finite means missing (an empty cell).
    Float(f64),
    /// Text.
    Text(Cow<'a, str>),
    /// A flag.
    Bool(bool),
}

/// A table: its columns and its rows, each row one cell per column.
pub struct Table<'a> {
    /// Column names and types, in file order.
    pub columns: Vec<(&'static str, Kind)>,
    /// The rows.
    pub rows: Box<dyn Iterator<Item = Vec<Cell<'a>>> + 'a>,
}

/// The tables of an analysis: `accounts`, `edges`, `evidence`, `coordinated_posts`.
pub const ANALYSIS_TABLES: [&str; 4] = ["accounts", "edges", "evidence", "coordinated_posts"];

/// The columns of a table by name, without the table: one of [`ANALYSIS_TABLES`], or
/// `network-native`, `network-cnt`, `network-coortweet` (a network's edges under that
/// semantics). For readers of the CSV files that want the types of the tables in memory.
pub fn columns(name: &str) -> Option<Vec<(&'static str, Kind)>> {
    Some(match name {
        "accounts" => accounts_columns(),
        "edges" => edges_columns(),
        "evidence" => evidence_columns(),
        "coordinated_posts" => coordinated_posts_columns(),
        "network-native" => network_columns(Semantics::Native),
        "network-cnt" => network_columns(Semantics::Cnt),
        "network-coortweet" => network_columns(Semantics::Coortweet),
        _ => return None,
    })
}

fn accounts_columns() -> Vec<(&'static str, Kind)> {
    use Kind::*;
    let kinds = [
        Text, Int, Float, Text, Text, Int, Int, Float, Int, Int, Text, Text, Text, Text,
    ];
    schema::columns::accounts::HEADER
        .into_iter()
        .zip(kinds)
        .collect()
}

fn coordinated_posts_columns() -> Vec<(&'static str, Kind)> {
    schema::columns::coordinated_posts::HEADER
        .into_iter()
        .map(|c| (c, Kind::Text))
        .collect()
}

fn edges_columns() -> Vec<(&'static str, Kind)> {
    let mut columns = edge_header();
    columns.extend(schema::columns::edges::ANALYZE.into_iter().zip([
        Kind::Int,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
    ]));
    columns.extend(pair_stats_kinds());
    columns.extend(
        schema::columns::edges::PLATFORMS
            .into_iter()
            .map(|c| (c, Kind::Text)),
    );
    columns
}

fn evidence_columns() -> Vec<(&'static str, Kind)> {
    let mut columns = vec![(schema::columns::evidence::CAMPAIGN_ID, Kind::Int)];
    columns.extend(schema::columns::evidence::COLUMNS.into_iter().map(|c| {
        (
            c,
            if c == "dt_seconds" {
                Kind::Float
            } else {
                Kind::Text
            },
        )
    }));
    columns
}

/// The columns of a network's edges under `semantics`.
pub fn network_columns(semantics: Semantics) -> Vec<(&'static str, Kind)> {
    let mut columns = edge_header();
    match semantics {
        Semantics::Cnt => {}
        Semantics::Native => columns.extend(pair_stats_kinds()),
        Semantics::Coortweet => columns.extend([
            ("avg_time_delta", Kind::Float),
            ("weight_threshold", Kind::Bool),
        ]),
    }
    columns
}

fn text(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

fn id(id: PostId<'_>) -> Cell<'_> {
    Cell::Text(id.to_cow())
}

fn owned<'a>(s: String) -> Cell<'a> {
    Cell::Text(Cow::Owned(s))
}

/// A number as the file prints it with `{:.4}`, read back.
fn four_places(x: f64) -> f64 {
    format!("{x:.4}").parse().unwrap_or(x)
}

/// A native value (as the edge writers take it) as a cell, and its kind.
fn cell(v: &Value<'_>) -> (Kind, Cell<'static>) {
    match *v {
        Value::U(x) => (Kind::Int, Cell::Int(x as i64)),
        Value::F(x) => (Kind::Float, Cell::Float(x)),
        Value::S(s) => (Kind::Text, Cell::Text(Cow::Owned(s.to_string()))),
        Value::B(b) => (Kind::Bool, Cell::Bool(b)),
    }
}

fn pair_stats_kinds() -> impl Iterator<Item = (&'static str, Kind)> {
    let zero = lockstep_networks::native::PairStats {
        a: 0,
        b: 0,
        co_actions: 0,
        posts_a: 0,
        posts_b: 0,
        objects: 0,
        min_dt_ms: 0,
        sum_dt_ms: 0,
        a_first: 0,
        b_first: 0,
    };
    let kinds: Vec<Kind> = pair_stats_values(&zero).iter().map(|v| cell(v).0).collect();
    schema::columns::edges::PAIR_STATS.into_iter().zip(kinds)
}

fn edge_header() -> Vec<(&'static str, Kind)> {
    use schema::columns::edges::*;
    vec![
        (SOURCE, Kind::Text),
        (TARGET, Kind::Text),
        (WEIGHT, Kind::Int),
        (EDGE_TYPE, Kind::Text),
    ]
}

impl<'t> Analysis<'t> {
    /// The table `name` of [`ANALYSIS_TABLES`] (none for another name).
    pub fn table(&self, name: &str) -> Option<Table<'_>> {
        match name {
            "accounts" => Some(self.accounts_table()),
            "edges" => Some(self.edges_table()),
            "evidence" => Some(self.evidence_table()),
            "coordinated_posts" => Some(self.coordinated_posts_table()),
            _ => None,
        }
    }

    /// accounts.csv.
    pub fn accounts_table(&self) -> Table<'_> {
        let t = self.posts();
        Table {
            columns: accounts_columns(),
            rows: Box::new(self.accounts.iter().map(move |r| {
                let m = r.account;
                vec![
                    text(t.account_id(m)),
                    Cell::Int(r.campaign_id.into()),
                    Cell::Float(four_places(r.score)),
                    text(t.account_handle(m).unwrap_or("")),
                    text(r.role),
                    Cell::Int(r.posts as i64),
                    Cell::Int(r.coordinated_posts as i64),
                    Cell::Float(four_places(r.coordinated_share())),
                    Cell::Int(r.leads as i64),
                    Cell::Int(r.follows as i64),
                    owned(t.account_created(m).map(rfc3339).unwrap_or_default()),
                    owned(rfc3339(r.first_post_ms)),
                    owned(rfc3339(r.last_post_ms)),
                    text(t.account_platform(m)),
                ]
            })),
        }
    }

    /// edges.csv.
    pub fn edges_table(&self) -> Table<'_> {
        let t = self.posts();
        Table {
            columns: edges_columns(),
            rows: Box::new(self.edges.iter().map(move |e| {
                let s = &e.stats;
                let mut row = vec![
                    text(t.account_id(s.a)),
                    text(t.account_id(s.b)),
                    Cell::Int(s.co_actions as i64),
                    text(e.behaviour.name()),
                    Cell::Int(e.campaign_id.into()),
                    Cell::Float(e.window_ms as f64 / 1000.0),
                    Cell::Float(e.expected),
                    Cell::Float(e.neg_log10_p),
                    Cell::Float(e.neg_log10_q),
                ];
                row.extend(pair_stats_values(s).iter().map(|v| cell(v).1));
                row.push(text(t.account_platform(s.a)));
                row.push(text(t.account_platform(s.b)));
                row
            })),
        }
    }

    /// evidence.csv (times as the file writes them: seconds since the epoch, as text).
    pub fn evidence_table(&self) -> Table<'_> {
        let t = self.posts();
        Table {
            columns: evidence_columns(),
            rows: Box::new(self.evidence.iter().map(move |r| {
                let (a, b) = self.evidence_events(r);
                vec![
                    Cell::Int(r.campaign_id.into()),
                    text(r.behaviour.name()),
                    Cell::Text(self.object_label(r)),
                    id(t.post_id(a.post)),
                    text(t.account_id(a.account)),
                    owned(time_s(a.time)),
                    id(t.post_id(b.post)),
                    text(t.account_id(b.account)),
                    owned(time_s(b.time)),
                    Cell::Float((b.time - a.time) as f64 / 1000.0),
                ]
            })),
        }
    }

    /// coordinated_posts.csv.
    pub fn coordinated_posts_table(&self) -> Table<'_> {
        let t = self.posts();
        let reference = move |sym: u32| {
            if sym == NONE {
                text("")
            } else {
                id(t.ref_id(sym))
            }
        };
        Table {
            columns: coordinated_posts_columns(),
            rows: Box::new(self.coordinated_posts().into_iter().map(move |p| {
                let author = t.author(p);
                let urls: Vec<&str> = t.url_syms(p).iter().map(|&u| t.urls.resolve(u)).collect();
                let tags: Vec<&str> = t
                    .hashtag_syms(p)
                    .iter()
                    .map(|&h| t.hashtags.resolve(h))
                    .collect();
                vec![
                    id(t.post_id(p)),
                    text(t.account_id(author)),
                    text(t.account_handle(author).unwrap_or("")),
                    owned(rfc3339(t.time(p))),
                    text(t.kind(p).as_str()),
                    reference(t.repost_of(p)),
                    reference(t.reply_to(p)),
                    reference(t.quote_of(p)),
                    text(t.text(p)),
                    owned(urls.join(" ")),
                    owned(tags.join(" ")),
                ]
            })),
        }
    }
}

impl Network<'_> {
    /// The network's edges as the CSV file's table ([`Network::write_csv`]).
    pub fn edges_table<'a>(&'a self, edges: &'a Edges) -> Table<'a> {
        let t = self.posts();
        let edge_type = self.edge_type();
        let columns = network_columns(self.config().semantics);
        let rows: Box<dyn Iterator<Item = Vec<Cell<'a>>> + 'a> = match edges {
            Edges::Cnt(v) => Box::new(v.iter().map(move |e| {
                vec![
                    text(t.account_id(e.source)),
                    text(t.account_id(e.target)),
                    Cell::Int(e.weight as i64),
                    text(edge_type),
                ]
            })),
            Edges::Native(v) => Box::new(v.iter().map(move |s| {
                let mut row = vec![
                    text(t.account_id(s.a)),
                    text(t.account_id(s.b)),
                    Cell::Int(s.co_actions as i64),
                    text(edge_type),
                ];
                row.extend(pair_stats_values(s).iter().map(|v| cell(v).1));
                row
            })),
            Edges::Coortweet(n) => Box::new(n.edges.iter().map(move |e| {
                vec![
                    text(t.account_id(e.a)),
                    text(t.account_id(e.b)),
                    Cell::Int(e.weight as i64),
                    text(edge_type),
                    Cell::Float(e.avg_time_delta),
                    Cell::Bool(e.weight_threshold),
                ]
            })),
        };
        Table { columns, rows }
    }
}
