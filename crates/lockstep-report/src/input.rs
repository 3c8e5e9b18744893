//! Reading an analyze directory into the data the page shows: everything the files say,
//! cut to sizes a browser opens quickly (the limits are in [`Limits`] and shown in the
//! report), with positions for the network.

use crate::escape::{clip, clip_value};
use crate::layout::layout;
use crate::ReportError;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use lockstep_output::schema::{self, files};
use serde_json::{json, Map, Value};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// How much of the data goes into the page. The defaults keep a report of 50,000
/// accounts and 200,000 edges well under 50 MB.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Limits {
    /// Longest post text shown, in characters.
    pub text_chars: usize,
    /// Longest other string (ids, handles, objects, URLs, JSON values), in characters.
    pub string_chars: usize,
    /// Longest node label in the network, in characters.
    pub label_chars: usize,
    /// Evidence rows shown per campaign and behaviour.
    pub evidence_per_behaviour: usize,
    /// Evidence rows shown over all campaigns (the per-campaign share shrinks to fit).
    pub evidence_total: usize,
    /// Posts shown per account (when `coordinated_posts.csv` exists).
    pub posts_per_account: usize,
    /// Characters of post text over the whole page.
    pub post_text_budget: usize,
    /// Nodes drawn in the network.
    pub max_nodes: usize,
    /// Edges drawn in the network (strongest kept).
    pub max_edges: usize,
    /// Quarantined records shown as examples.
    pub rejected_examples: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            text_chars: 1_000,
            string_chars: 300,
            label_chars: 60,
            evidence_per_behaviour: 40,
            evidence_total: 40_000,
            posts_per_account: 8,
            post_text_budget: 12_000_000,
            max_nodes: 150_000,
            max_edges: 500_000,
            rejected_examples: 50,
        }
    }
}

/// A JSON file of the analysis as its schema type (None when absent), then as the value
/// the page embeds: the page shows every field the schema names.
fn read_typed<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, ReportError> {
    read_json(path)?
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| ReportError::json(path, e))
}

/// [`read_typed`], as the value the page embeds (null when absent).
fn read_section<T: serde::de::DeserializeOwned + serde::Serialize>(
    path: &Path,
) -> Result<Value, ReportError> {
    match read_typed::<T>(path)? {
        Some(doc) => serde_json::to_value(doc).map_err(|e| ReportError::json(path, e)),
        None => Ok(Value::Null),
    }
}

/// `campaigns.json` as written, or the bare list of campaigns of early versions.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum CampaignsDoc {
    File(schema::CampaignsFile),
    List(Vec<schema::Campaign>),
}

fn read_json(path: &Path) -> Result<Option<Value>, ReportError> {
    if !path.exists() {
        return Ok(None);
    }
    let f = File::open(path).map_err(|e| ReportError::io(path, e))?;
    let v = serde_json::from_reader(BufReader::with_capacity(1 << 20, f))
        .map_err(|e| ReportError::json(path, e))?;
    Ok(Some(v))
}

/// A reader of the CSV at `path` and its columns, None when the file is absent (an
/// analysis that did not produce it).
fn open_csv(path: &Path) -> Result<Option<(csv::Reader<File>, Cols)>, ReportError> {
    if !path.exists() {
        return Ok(None);
    }
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| ReportError::csv(path, e))?;
    let c = Cols::of(&mut r, path)?;
    Ok(Some((r, c)))
}

/// Column positions by name.
struct Cols(Vec<String>);

impl Cols {
    fn of(r: &mut csv::Reader<File>, path: &Path) -> Result<Self, ReportError> {
        let h = r.headers().map_err(|e| ReportError::csv(path, e))?;
        Ok(Cols(h.iter().map(str::to_string).collect()))
    }
    fn get(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|c| c == name)
    }
}

/// Read the next record into `rec` (reusing its buffer); false at the end of the file.
fn next_record(
    r: &mut csv::Reader<File>,
    rec: &mut csv::StringRecord,
    path: &Path,
) -> Result<bool, ReportError> {
    r.read_record(rec).map_err(|e| ReportError::csv(path, e))
}

fn field(rec: &csv::StringRecord, i: Option<usize>) -> &str {
    i.and_then(|i| rec.get(i)).unwrap_or("")
}

/// Lag histogram bin edges, seconds: a co-action with `|dt|` in `[e[i], e[i+1])` falls in
/// bin `i`; the last bin is open.
pub const LAG_EDGES_S: [f64; 13] = [
    0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
];

fn lag_bin(dt: f64) -> usize {
    let dt = dt.abs();
    LAG_EDGES_S
        .iter()
        .rposition(|&e| dt >= e)
        .unwrap_or(0)
        .min(LAG_EDGES_S.len() - 1)
}

/// The network: one node per account with an edge or a campaign, one edge per pair.
struct Net {
    index: HashMap<String, u32>,
    id: Vec<String>,
    label: Vec<String>,
    campaign: Vec<u32>,
    score: Vec<f64>,
    role: Vec<u32>,
    posts: Vec<u64>,
    coordinated: Vec<u64>,
    /// Platform per node, from `accounts.csv` (empty for accounts outside campaigns and
    /// for directories written before the column existed).
    platform: Vec<String>,
    roles: Vec<String>,
    pairs: HashMap<(u32, u32), usize>,
    edges: Vec<NetEdge>,
    behaviours: Vec<String>,
    edge_rows: u64,
}

struct NetEdge {
    a: u32,
    b: u32,
    mask: u32,
    weight: f64,
    campaign: u32,
}

impl Net {
    fn node(&mut self, id: &str, label_chars: usize) -> u32 {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.id.len() as u32;
        self.index.insert(id.to_string(), i);
        self.id.push(clip(id, 200).into_owned());
        self.label.push(clip(id, label_chars).into_owned());
        self.campaign.push(0);
        self.score.push(0.0);
        self.role.push(0);
        self.posts.push(0);
        self.coordinated.push(0);
        self.platform.push(String::new());
        i
    }
    fn role_index(&mut self, role: &str) -> u32 {
        match self.roles.iter().position(|r| r == role) {
            Some(i) => i as u32,
            None => {
                self.roles.push(clip(role, 40).into_owned());
                (self.roles.len() - 1) as u32
            }
        }
    }
    fn behaviour_bit(&mut self, b: &str) -> u32 {
        let i = match self.behaviours.iter().position(|x| x == b) {
            Some(i) => i,
            None if self.behaviours.len() < 31 => {
                self.behaviours.push(clip(b, 40).into_owned());
                self.behaviours.len() - 1
            }
            None => 31,
        };
        1 << i
    }
}

fn read_accounts(dir: &Path, lim: &Limits, net: &mut Net) -> Result<(), ReportError> {
    let path = dir.join(files::ACCOUNTS);
    let Some((mut r, c)) = open_csv(&path)? else {
        return Ok(());
    };
    use schema::columns::accounts as col;
    let platform = c.get(col::PLATFORM);
    let (id, camp, score, handle, role, posts, coord) = (
        c.get(col::ACCOUNT_ID),
        c.get(col::CAMPAIGN_ID),
        c.get(col::SCORE),
        c.get(col::HANDLE),
        c.get(col::ROLE),
        c.get(col::POSTS),
        c.get(col::COORDINATED_POSTS),
    );
    net.roles.push(String::new());
    for rec in r.records() {
        let rec = rec.map_err(|e| ReportError::csv(&path, e))?;
        let aid = field(&rec, id);
        if aid.is_empty() || net.id.len() >= lim.max_nodes {
            continue;
        }
        let i = net.node(aid, lim.label_chars) as usize;
        net.campaign[i] = field(&rec, camp).parse().unwrap_or(0);
        net.score[i] = field(&rec, score).parse().unwrap_or(0.0);
        let h = field(&rec, handle);
        if !h.is_empty() {
            net.label[i] = clip(h, lim.label_chars).into_owned();
        }
        net.role[i] = net.role_index(field(&rec, role));
        net.posts[i] = field(&rec, posts).parse().unwrap_or(0);
        net.coordinated[i] = field(&rec, coord).parse().unwrap_or(0);
        net.platform[i] = clip(field(&rec, platform), 40).into_owned();
    }
    Ok(())
}

fn read_edges(dir: &Path, lim: &Limits, net: &mut Net) -> Result<(), ReportError> {
    let path = dir.join(files::EDGES);
    let Some((mut r, c)) = open_csv(&path)? else {
        return Ok(());
    };
    use schema::columns::edges as col;
    let (src, dst, w, ty, camp) = (
        c.get(col::SOURCE),
        c.get(col::TARGET),
        c.get(col::WEIGHT),
        c.get(col::EDGE_TYPE),
        c.get(col::CAMPAIGN_ID),
    );
    for rec in r.records() {
        let rec = rec.map_err(|e| ReportError::csv(&path, e))?;
        let (s, t) = (field(&rec, src), field(&rec, dst));
        if s.is_empty() || t.is_empty() || s == t {
            continue;
        }
        net.edge_rows += 1;
        let known = net.index.contains_key(s) && net.index.contains_key(t);
        if !known && net.id.len() + 2 > lim.max_nodes {
            continue;
        }
        let a = net.node(s, lim.label_chars);
        let b = net.node(t, lim.label_chars);
        let key = (a.min(b), a.max(b));
        let bit = net.behaviour_bit(field(&rec, ty));
        let weight: f64 = field(&rec, w).parse().unwrap_or(1.0);
        let campaign: u32 = field(&rec, camp).parse().unwrap_or(0);
        match net.pairs.get(&key) {
            Some(&e) => {
                let e = &mut net.edges[e];
                e.mask |= bit;
                e.weight += weight;
            }
            None => {
                net.pairs.insert(key, net.edges.len());
                net.edges.push(NetEdge {
                    a: key.0,
                    b: key.1,
                    mask: bit,
                    weight,
                    campaign,
                });
            }
        }
    }
    if net.edges.len() > lim.max_edges {
        // Keep edges inside campaigns first, then the heaviest.
        net.edges.sort_by(|x, y| {
            (y.campaign > 0)
                .cmp(&(x.campaign > 0))
                .then(y.weight.total_cmp(&x.weight))
        });
        net.edges.truncate(lim.max_edges);
    }
    Ok(())
}

/// Evidence kept for the page, per campaign.
#[derive(Default)]
struct CampaignEvidence {
    total: u64,
    by_behaviour: Vec<(String, u64)>,
    lag: Vec<u64>,
    rows: Vec<Value>,
    kept_by_behaviour: Vec<(String, usize)>,
}

fn read_evidence(
    dir: &Path,
    lim: &Limits,
    campaign_ids: &[u64],
    needed_posts: &mut HashSet<String>,
) -> Result<(HashMap<u64, CampaignEvidence>, u64), ReportError> {
    let path = dir.join(files::EVIDENCE);
    let mut out: HashMap<u64, CampaignEvidence> = HashMap::new();
    let Some((mut r, c)) = open_csv(&path)? else {
        return Ok((out, 0));
    };
    let per_campaign =
        (lim.evidence_total / campaign_ids.len().max(1)).clamp(10, 4 * lim.evidence_per_behaviour);
    use schema::columns::evidence as col;
    let cols = col::COLUMNS.map(|name| c.get(name));
    let camp = c.get(col::CAMPAIGN_ID);
    let mut rows = 0u64;
    let mut rec = csv::StringRecord::new();
    while next_record(&mut r, &mut rec, &path)? {
        rows += 1;
        let cid: u64 = field(&rec, camp).parse().unwrap_or(0);
        if cid == 0 {
            continue;
        }
        let e = out.entry(cid).or_default();
        if e.lag.is_empty() {
            e.lag = vec![0; LAG_EDGES_S.len()];
        }
        e.total += 1;
        let beh = field(&rec, cols[0]);
        match e.by_behaviour.iter_mut().find(|(b, _)| b == beh) {
            Some((_, n)) => *n += 1,
            None => e.by_behaviour.push((clip(beh, 40).into_owned(), 1)),
        }
        let dt: f64 = field(&rec, cols[8]).parse().unwrap_or(0.0);
        e.lag[lag_bin(dt)] += 1;
        if e.rows.len() >= per_campaign {
            continue;
        }
        let kept = match e.kept_by_behaviour.iter_mut().find(|(b, _)| b == beh) {
            Some((_, n)) => n,
            None => {
                e.kept_by_behaviour.push((beh.to_string(), 0));
                let last = e.kept_by_behaviour.len() - 1;
                &mut e.kept_by_behaviour[last].1
            }
        };
        if *kept >= lim.evidence_per_behaviour {
            continue;
        }
        *kept += 1;
        let num = |i: usize| -> Value {
            field(&rec, cols[i])
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map_or(Value::Null, |x| json!(x))
        };
        let text =
            |i: usize, max: usize| Value::String(clip(field(&rec, cols[i]), max).into_owned());
        needed_posts.insert(field(&rec, cols[2]).to_string());
        needed_posts.insert(field(&rec, cols[5]).to_string());
        e.rows.push(json!([
            text(0, 40),
            text(1, lim.string_chars),
            text(2, lim.string_chars),
            text(3, lim.string_chars),
            num(4),
            text(5, lim.string_chars),
            text(6, lim.string_chars),
            num(7),
            num(8),
        ]));
    }
    Ok((out, rows))
}

/// Posts from `coordinated_posts.csv`: the posts by id, their ids by node, and whether
/// the file exists.
type PostsRead = (Map<String, Value>, Map<String, Value>, bool);

/// Posts from `coordinated_posts.csv`.
fn read_posts(
    dir: &Path,
    lim: &Limits,
    net: &Net,
    needed: &HashSet<String>,
) -> Result<PostsRead, ReportError> {
    let path = dir.join(crate::POSTS_FILE);
    let mut posts = Map::new();
    let mut by_node: Map<String, Value> = Map::new();
    let Some((mut r, c)) = open_csv(&path)? else {
        return Ok((posts, by_node, false));
    };
    let (pid, acc, time, kind, text, urls, tags) = (
        c.get("post_id"),
        c.get("account_id"),
        c.get("time"),
        c.get("kind"),
        c.get("text"),
        c.get("urls"),
        c.get("hashtags"),
    );
    let mut per_node: HashMap<u32, usize> = HashMap::new();
    let mut budget = lim.post_text_budget;
    let mut rec = csv::StringRecord::new();
    while next_record(&mut r, &mut rec, &path)? {
        let id = field(&rec, pid);
        let node = net.index.get(field(&rec, acc)).copied();
        let wanted = needed.contains(id);
        let room =
            node.is_some_and(|n| per_node.get(&n).copied().unwrap_or(0) < lim.posts_per_account);
        if !(wanted || room) || posts.contains_key(id) {
            continue;
        }
        let t = clip(field(&rec, text), lim.text_chars);
        if !wanted && t.len() > budget {
            continue;
        }
        budget = budget.saturating_sub(t.len());
        let list = |s: &str| -> Value {
            Value::Array(
                s.split_whitespace()
                    .take(10)
                    .map(|u| Value::String(clip(u, lim.string_chars).into_owned()))
                    .collect(),
            )
        };
        posts.insert(
            clip(id, lim.string_chars).into_owned(),
            json!([
                node,
                clip(field(&rec, time), 40),
                clip(field(&rec, kind), 20),
                t,
                list(field(&rec, urls)),
                list(field(&rec, tags)),
            ]),
        );
        if let (Some(n), true) = (node, room) {
            *per_node.entry(n).or_default() += 1;
            let e = by_node
                .entry(n.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(a) = e {
                a.push(Value::String(clip(id, lim.string_chars).into_owned()));
            }
        }
    }
    Ok((posts, by_node, true))
}

fn read_rejected(dir: &Path, lim: &Limits) -> Result<Value, ReportError> {
    let path = dir.join(files::REJECTED);
    if !path.exists() {
        return Ok(Value::Null);
    }
    let f = File::open(&path).map_err(|e| ReportError::io(&path, e))?;
    let mut reasons: Vec<(String, u64)> = Vec::new();
    let mut examples = Vec::new();
    let mut total = 0u64;
    for line in BufReader::with_capacity(1 << 20, f).split(b'\n') {
        let line = line.map_err(|e| ReportError::io(&path, e))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        total += 1;
        let mut v: Value = serde_json::from_slice(&line).unwrap_or(Value::Null);
        let reason = v
            .get("reason")
            .and_then(Value::as_str)
            .map(|s| clip(s, 120).into_owned())
            .unwrap_or_default();
        // Counted by the reason's leading words, not its details (lines, values).
        let key: String = reason
            .split([':', '('])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if let Some(i) = reasons.iter().position(|(r, _)| *r == key) {
            reasons[i].1 += 1;
        } else if reasons.len() < 200 {
            reasons.push((key, 1));
        }
        if examples.len() < lim.rejected_examples {
            clip_value(&mut v, lim.string_chars);
            examples.push(v);
        }
    }
    reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
    Ok(json!({
        "total": total,
        "reasons": reasons.into_iter().map(|(r, n)| json!([r, n])).collect::<Vec<_>>(),
        "examples": examples,
    }))
}

/// Everything the page shows, as one JSON value (see the crate docs for its shape).
pub fn collect(dir: &Path, lim: &Limits) -> Result<Value, ReportError> {
    let mut summary = read_section::<schema::Summary>(&dir.join(files::SUMMARY))?;
    clip_value(&mut summary, lim.string_chars);
    let path = dir.join(files::CAMPAIGNS);
    let doc = match read_typed::<CampaignsDoc>(&path)? {
        Some(CampaignsDoc::File(f)) => f,
        Some(CampaignsDoc::List(l)) => schema::CampaignsFile {
            campaigns: l,
            set_aside: Vec::new(),
        },
        None => schema::CampaignsFile::default(),
    };
    let mut narratives = read_section::<schema::NarrativesFile>(&dir.join(files::NARRATIVES))?;
    let mut echo = read_section::<schema::EchoFile>(&dir.join(files::ECHO))?;
    // The brief (lockstep-brief) from the same documents, shown first; campaigns of files
    // written before they had a kind and label are named here.
    let mut analysis = lockstep_brief::AnalysisDir {
        campaigns: doc,
        summary: read_typed(&dir.join(files::SUMMARY))?.unwrap_or_default(),
        narratives,
        echo,
    };
    if analysis
        .campaigns
        .campaigns
        .iter()
        .any(|c| c.kind.is_empty())
    {
        lockstep_brief::name_campaigns(&mut analysis.campaigns, &analysis.narratives);
    }
    let mut brief = serde_json::to_value(lockstep_brief::findings::brief(&analysis))
        .map_err(|e| ReportError::json(&path, e))?;
    clip_value(&mut brief, lim.text_chars);
    (narratives, echo) = (analysis.narratives, analysis.echo);
    let mut typed = analysis.campaigns.campaigns;
    typed.sort_by(|a, b| b.score.total_cmp(&a.score));
    let ids: Vec<u64> = typed.iter().map(|c| u64::from(c.id)).collect();

    let mut net = Net {
        index: HashMap::new(),
        id: Vec::new(),
        label: Vec::new(),
        campaign: Vec::new(),
        score: Vec::new(),
        role: Vec::new(),
        posts: Vec::new(),
        coordinated: Vec::new(),
        platform: Vec::new(),
        roles: Vec::new(),
        pairs: HashMap::new(),
        edges: Vec::new(),
        behaviours: Vec::new(),
        edge_rows: 0,
    };
    read_accounts(dir, lim, &mut net)?;
    if net.roles.is_empty() {
        net.roles.push(String::new());
    }
    read_edges(dir, lim, &mut net)?;

    let mut needed = HashSet::new();
    let (mut evidence, evidence_rows) = read_evidence(dir, lim, &ids, &mut needed)?;
    // Texts of the sample pairs in campaigns.json serve when there is no posts file.
    let mut sample_texts = Map::new();
    let mut campaigns = Vec::with_capacity(typed.len());
    for c in typed {
        for s in &c.evidence_samples {
            for (p, t) in [(&s.post_a, &s.text_a), (&s.post_b, &s.text_b)] {
                sample_texts.insert(
                    clip(p, lim.string_chars).into_owned(),
                    Value::String(clip(t, lim.text_chars).into_owned()),
                );
            }
        }
        let id = u64::from(c.id);
        let mut c = serde_json::to_value(c).map_err(|e| ReportError::json(&path, e))?;
        if let Value::Object(o) = &mut c {
            // Members are in the network arrays; keep the list of ids only.
            o.remove("members");
            let ev = evidence.remove(&id).unwrap_or_default();
            o.insert(
                "evidence".into(),
                json!({
                    "total": ev.total,
                    "by_behaviour": ev.by_behaviour.into_iter().map(|(k, n)| (k, json!(n))).collect::<Map<String, Value>>(),
                    "lag_counts": if ev.lag.is_empty() { vec![0; LAG_EDGES_S.len()] } else { ev.lag },
                    "rows": ev.rows,
                }),
            );
        }
        clip_value(&mut c, lim.text_chars);
        campaigns.push(c);
    }
    let (posts, by_node, have_posts) = read_posts(dir, lim, &net, &needed)?;

    // Layout.
    let n = net.id.len();
    let edge_list: Vec<(u32, u32, f32)> = net
        .edges
        .iter()
        .map(|e| (e.a, e.b, e.weight as f32))
        .collect();
    let pos = layout(n, &edge_list, &net.campaign);
    let mut degree = vec![0u32; n];
    for e in &net.edges {
        degree[e.a as usize] += 1;
        degree[e.b as usize] += 1;
    }
    let round = |x: f32| (f64::from(x) * 100.0).round() / 100.0;
    let graph = json!({
        "id": net.id,
        "label": net.label,
        "campaign": net.campaign,
        "score": net.score.iter().map(|s| (s * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
        "role": net.role,
        "roles": net.roles,
        "posts": net.posts,
        "coordinated_posts": net.coordinated,
        "platform": net.platform,
        "degree": degree,
        "x": pos.iter().map(|p| round(p[0])).collect::<Vec<_>>(),
        "y": pos.iter().map(|p| round(p[1])).collect::<Vec<_>>(),
        "edges": net.edges.iter().flat_map(|e| [e.a, e.b]).collect::<Vec<_>>(),
        "edge_behaviours": net.edges.iter().map(|e| e.mask).collect::<Vec<_>>(),
        "edge_weight": net.edges.iter().map(|e| (e.weight * 100.0).round() / 100.0).collect::<Vec<_>>(),
        "behaviours": net.behaviours,
        "edge_rows": net.edge_rows,
        "edges_drawn": net.edges.len(),
    });

    clip_value(&mut narratives, lim.text_chars);
    clip_value(&mut echo, lim.text_chars);

    let files: Vec<&str> = [
        files::SUMMARY,
        files::CAMPAIGNS,
        files::ACCOUNTS,
        files::EDGES,
        files::EVIDENCE,
        crate::POSTS_FILE,
        files::NARRATIVES,
        files::ECHO,
        files::REJECTED,
    ]
    .into_iter()
    .filter(|f| dir.join(f).exists())
    .collect();
    Ok(json!({
        "meta": {
            "generator": format!("lockstep {}", env!("CARGO_PKG_VERSION")),
            "limits": lim,
            "evidence_rows_read": evidence_rows,
            "lag_edges_s": LAG_EDGES_S,
            "evidence_columns": ["behaviour", "object", "post_a", "account_a", "time_a", "post_b", "account_b", "time_b", "dt_s"],
            "post_columns": ["node", "time", "kind", "text", "urls", "hashtags"],
            "have_posts_file": have_posts,
            "files": files,
        },
        "brief": brief,
        "summary": summary,
        "rejected": read_rejected(dir, lim)?,
        "campaigns": campaigns,
        "graph": graph,
        "posts": posts,
        "posts_by_node": by_node,
        "sample_texts": sample_texts,
        "narratives": narratives,
        "echo": echo,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_bins() {
        assert_eq!(lag_bin(0.0), 0);
        assert_eq!(lag_bin(0.5), 0);
        assert_eq!(lag_bin(-1.0), 1);
        assert_eq!(lag_bin(59.0), 6);
        assert_eq!(lag_bin(60.0), 7);
        assert_eq!(lag_bin(1e9), LAG_EDGES_S.len() - 1);
    }
}
