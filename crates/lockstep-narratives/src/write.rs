//! Output files (documented in the README, "Output files").
//!
//! - `narratives.json`: parameters, the time grid, counts, the whole run's series
//!   (`overall`), narratives, watch terms and campaign activity, each with series and
//!   bursts where computed.
//! - `post_labels.csv`: `post_id,template_id,narrative_id,campaign_id` for every post
//!   with any of them; `campaign_id` is the campaign whose internal co-action (both
//!   accounts in the campaign, a significant edge) the post is evidence of.
//! - `echo.json`: references and their echo, seed accounts and their amplification.
//! - `echo_posts.csv`, `seed_amplifications.csv`: one row per echoing / amplifying post.
//! - `timeseries_narratives.csv`, `timeseries_campaigns.csv`, `timeseries_watch.csv`,
//!   `timeseries_references.csv`, `timeseries_overall.csv`:
//!   `series,bin_start,posts,coordinated_posts`.

use crate::group::{r4, Series, Summary};
use crate::Narratives;
use lockstep_model::{PostIdx, PostTable, NONE};
use lockstep_output::rfc3339;
use lockstep_output::schema::{self, columns::narratives as columns};
use serde_json::json;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct OutputCounts {
    /// Rows of `post_labels.csv`.
    pub post_labels: u64,
    /// Rows of `echo_posts.csv`.
    pub echo_posts: u64,
    /// Rows of `seed_amplifications.csv`.
    pub amplifications: u64,
    /// Rows of all `timeseries_*.csv`.
    pub series_rows: u64,
    /// Files written.
    pub files: Vec<String>,
}

fn csv_field(w: &mut impl Write, s: &str) -> std::io::Result<()> {
    if s.contains([',', '"', '\n', '\r']) {
        write!(w, "\"{}\"", s.replace('"', "\"\""))
    } else {
        w.write_all(s.as_bytes())
    }
}

fn series_rows(w: &mut impl Write, name: &str, s: &Series) -> std::io::Result<u64> {
    for (i, b) in s.bin_start.iter().enumerate() {
        csv_field(w, name)?;
        writeln!(w, ",{b},{},{}", s.posts[i], s.coordinated_posts[i])?;
    }
    Ok(s.bin_start.len() as u64)
}

/// `,campaign_id,coordinated` and the line end: the last columns of `echo_posts.csv` and
/// `seed_amplifications.csv`, which must say the same of a post.
fn campaign_tail(
    w: &mut impl Write,
    n: &Narratives,
    coordinated: &[bool],
    p: PostIdx,
) -> std::io::Result<()> {
    w.write_all(b",")?;
    if let Some(&c) = n.post_campaign.get(p as usize).filter(|&&c| c != NONE) {
        write!(w, "{c}")?;
    }
    let co = coordinated.get(p as usize).copied().unwrap_or(false);
    writeln!(w, ",{}", co as u8)
}

/// Rows of every group that has a series, each named by its key: one helper for the
/// narratives', campaigns', watch terms' and references' files, which differ only in
/// what they list.
fn keyed_series_rows<'a, K: AsRef<str>>(
    w: &mut impl Write,
    groups: impl IntoIterator<Item = (K, &'a Summary)>,
) -> std::io::Result<u64> {
    let mut k = 0;
    for (key, summary) in groups {
        if let Some(s) = &summary.series {
            k += series_rows(w, key.as_ref(), s)?;
        }
    }
    Ok(k)
}

/// `generated_by` of the JSON files.
const GENERATED_BY: &str = concat!("lockstep-narratives ", env!("CARGO_PKG_VERSION"));

/// A section of a JSON file as a value: serde_json's map sorts its keys, as the file
/// schema expects (see lockstep-output's `schema`).
fn to_value<T: serde::Serialize + ?Sized>(v: &T) -> std::io::Result<serde_json::Value> {
    serde_json::to_value(v).map_err(std::io::Error::other)
}

fn json_file<T: serde::Serialize>(path: &Path, v: &T) -> std::io::Result<()> {
    let mut f = BufWriter::new(File::create(path)?);
    serde_json::to_writer_pretty(&mut f, v)?;
    f.write_all(b"\n")?;
    f.flush()
}

/// The methods, in words, for the JSON files.
fn methods() -> serde_json::Value {
    json!({
        "templates": "near-duplicate groups from lockstep-similar (Jaccard of script-aware shingles >= threshold against the template's representative)",
        "terms": "normalised text (NFKC, case folding, traditional->simplified Chinese, links and mentions removed, hashtags kept); Han runs segmented by jieba (dictionary + HMM), kana/Thai and other unspaced scripts as character bigrams, other scripts as words; numbers, 1-character words and English/Chinese stop words dropped",
        "narratives": "TF-IDF over template representatives plus a background sample of other posts; templates visited largest first join the narrative whose centroid has cosine >= similarity, else start one; reposts of narrative posts join it",
        "bursts": "one-sided CUSUM of z = (x - e)/sqrt(e + 1 + (overdispersion*e)^2), e = baseline share of all posts (trailing non-burst bins) x all posts in the bin; burst when S >= h and excess >= min_excess; onset = first bin of the run of positive S (trimmed to z >= elevated_z), end = last elevated bin before S returns to 0",
        "watch_terms": "substring of the normalised text; terms starting with a letter of a spaced script must start a word",
        "echo": "link: canonical URL (mobile host prefixes dropped; query ignored when the reference URL has none); text: share of the post's unit bigrams found in the reference title/text >= containment, posts of >= min_units units, not earlier than max_lead before publication; repost: a repost of an echoing post",
        "seed_accounts": "amplification = repost, quote or reply of a seed post (or 'RT @seed:' when the original is missing), or the same canonical URL within link_window after the seed first posted it",
    })
}

/// The JSON documents of the stage, `narratives.json` and `echo.json`, as typed values: a
/// caller that works in memory (the live service's alert rules, the Python package) reads
/// them without the files, and [`write_documents`] writes them.
pub fn documents(n: &Narratives) -> std::io::Result<(schema::NarrativesFile, schema::EchoFile)> {
    let g = &n.grid;
    let grid = schema::Grid {
        bin_seconds: g.bin_ms as f64 / 1000.0,
        bins: g.bins,
        start: rfc3339(g.start_ms),
    };
    let methods = methods();
    let narratives = schema::NarrativesFile {
        campaigns: to_value(&n.campaigns)?,
        counts: to_value(&n.term_stats)?,
        generated_by: GENERATED_BY.into(),
        grid: grid.clone(),
        methods: methods.clone(),
        narratives: to_value(&n.narratives)?,
        overall: to_value(&n.overall)?,
        parameters: to_value(&n.options)?,
        watch_terms: to_value(&n.watch)?,
    };
    let seeds_params = json!({
        "link_window_s": n.options.link_window_ms as f64 / 1000.0,
    });
    let echo = schema::EchoFile {
        generated_by: GENERATED_BY.into(),
        grid,
        methods: json!({ "echo": methods["echo"], "seed_accounts": methods["seed_accounts"] }),
        parameters: json!({ "echo": n.options.echo, "seed_accounts": seeds_params }),
        references: to_value(n.references.as_deref().unwrap_or(&[]))?,
        seed_accounts: to_value(&n.seeds)?,
    };
    Ok((narratives, echo))
}

/// Write `narratives.json` and `echo.json` into `dir`.
pub fn write_documents(
    dir: &Path,
    narratives: &schema::NarrativesFile,
    echo: &schema::EchoFile,
) -> std::io::Result<()> {
    json_file(&dir.join(schema::files::NARRATIVES), narratives)?;
    json_file(&dir.join(schema::files::ECHO), echo)
}

/// What [`write_outputs`] writes (rows per file and the files, in the order written),
/// counted without writing: the summary of a run that writes later, or never.
pub fn output_counts(table: &PostTable, n: &Narratives) -> OutputCounts {
    let post_labels = (0..table.len())
        .filter(|&p| {
            n.templates.template_of(p as PostIdx).is_some()
                || n.post_narrative.get(p).copied().unwrap_or(0) != 0
                || n.evidence_campaign.get(p).copied().unwrap_or(0) != 0
        })
        .count() as u64;
    let rows = |s: &Summary| s.series.as_ref().map_or(0, |s| s.bin_start.len() as u64);
    let mut series_rows: u64 = n.narratives.iter().map(|x| rows(&x.summary)).sum::<u64>()
        + n.campaigns.iter().map(|x| rows(&x.summary)).sum::<u64>()
        + n.watch.iter().map(|x| rows(&x.summary)).sum::<u64>()
        + 2 * n.overall.series.bin_start.len() as u64;
    let mut files = vec!["narratives.json", "post_labels.csv", "echo.json"];
    if n.references.is_some() {
        files.push("echo_posts.csv");
    }
    if n.seeds.is_some() {
        files.push("seed_amplifications.csv");
    }
    files.extend([
        "timeseries_narratives.csv",
        "timeseries_campaigns.csv",
        "timeseries_watch.csv",
        "timeseries_overall.csv",
    ]);
    if let Some(refs) = &n.references {
        files.push("timeseries_references.csv");
        series_rows += refs.iter().map(|x| rows(&x.summary)).sum::<u64>();
    }
    OutputCounts {
        post_labels,
        echo_posts: if n.references.is_some() {
            n.echo_posts.len() as u64
        } else {
            0
        },
        amplifications: if n.seeds.is_some() {
            n.amplifications.len() as u64
        } else {
            0
        },
        series_rows,
        files: files.into_iter().map(str::to_string).collect(),
    }
}

/// Write every output of the narratives stage into `dir`: [`documents`] as
/// `narratives.json` and `echo.json`, then the CSV files ([`write_tables`]).
pub fn write_outputs(
    dir: &Path,
    table: &PostTable,
    n: &Narratives,
    coordinated: &[bool],
) -> std::io::Result<OutputCounts> {
    let (narratives, echo) = documents(n)?;
    write_documents(dir, &narratives, &echo)?;
    write_tables(dir, table, n, coordinated)
}

/// Write the CSV files of the narratives stage into `dir` (post labels, echo posts, seed
/// amplifications, time series); the counts also list the JSON files of
/// [`write_documents`], as [`output_counts`] does.
pub fn write_tables(
    dir: &Path,
    table: &PostTable,
    n: &Narratives,
    coordinated: &[bool],
) -> std::io::Result<OutputCounts> {
    let mut counts = OutputCounts::default();
    counts.files.push("narratives.json".into());

    // post_labels.csv
    let mut w = BufWriter::with_capacity(1 << 20, File::create(dir.join("post_labels.csv"))?);
    writeln!(w, "{}", columns::POST_LABELS)?;
    let mut ib = itoa::Buffer::new();
    for p in 0..table.len() {
        let tpl = n.templates.template_of(p as PostIdx);
        let nar = n.post_narrative.get(p).copied().unwrap_or(0);
        let camp = n.evidence_campaign.get(p).copied().filter(|&c| c != 0);
        if tpl.is_none() && nar == 0 && camp.is_none() {
            continue;
        }
        csv_field(
            &mut w,
            table.post_id(p as PostIdx).as_str(&mut itoa::Buffer::new()),
        )?;
        w.write_all(b",")?;
        if let Some(t) = tpl {
            w.write_all(ib.format(t).as_bytes())?;
        }
        w.write_all(b",")?;
        if nar != 0 {
            w.write_all(ib.format(nar).as_bytes())?;
        }
        w.write_all(b",")?;
        if let Some(c) = camp {
            w.write_all(ib.format(c).as_bytes())?;
        }
        w.write_all(b"\n")?;
        counts.post_labels += 1;
    }
    w.flush()?;
    counts.files.push("post_labels.csv".into());

    counts.files.push("echo.json".into());
    if let Some(refs) = &n.references {
        let mut w = BufWriter::new(File::create(dir.join("echo_posts.csv"))?);
        writeln!(w, "{}", columns::ECHO_POSTS)?;
        for e in &n.echo_posts {
            let p = e.post;
            let r = &refs[e.reference as usize];
            csv_field(&mut w, table.post_id(p).as_str(&mut itoa::Buffer::new()))?;
            write!(w, ",{},", r.id)?;
            csv_field(&mut w, &r.reference.url)?;
            write!(w, ",{},", e.kind.as_str())?;
            if e.containment.is_finite() {
                write!(w, "{}", r4(e.containment as f64))?;
            }
            w.write_all(b",")?;
            if let Some(m) = r.reference.published_ms {
                write!(w, "{}", (table.time(p) - m) as f64 / 1000.0)?;
            }
            w.write_all(b",")?;
            csv_field(&mut w, table.account_id(table.author(p)))?;
            campaign_tail(&mut w, n, coordinated, p)?;
            counts.echo_posts += 1;
        }
        w.flush()?;
        counts.files.push("echo_posts.csv".into());
    }
    if n.seeds.is_some() {
        let mut w = BufWriter::new(File::create(dir.join("seed_amplifications.csv"))?);
        writeln!(w, "{}", columns::SEED_AMPLIFICATIONS)?;
        for a in &n.amplifications {
            let p = a.post;
            let seed = &n.seed_list[a.seed as usize];
            let seed_id = n
                .seed_accounts
                .get(a.seed as usize)
                .copied()
                .flatten()
                .map_or(seed.key.as_str(), |acc| table.account_id(acc));
            csv_field(&mut w, table.post_id(p).as_str(&mut itoa::Buffer::new()))?;
            w.write_all(b",")?;
            csv_field(&mut w, table.account_id(table.author(p)))?;
            w.write_all(b",")?;
            csv_field(&mut w, seed_id)?;
            w.write_all(b",")?;
            csv_field(&mut w, &seed.label)?;
            let kind = serde_json::to_value(a.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            write!(w, ",{kind},")?;
            if let Some(d) = a.delay_ms {
                write!(w, "{}", d as f64 / 1000.0)?;
            }
            campaign_tail(&mut w, n, coordinated, p)?;
            counts.amplifications += 1;
        }
        w.flush()?;
        counts.files.push("seed_amplifications.csv".into());
    }

    // Time series.
    let mut series_file = |name: &str,
                           rows: &mut dyn FnMut(&mut BufWriter<File>) -> std::io::Result<u64>|
     -> std::io::Result<()> {
        let mut w = BufWriter::new(File::create(dir.join(name))?);
        writeln!(w, "{}", columns::SERIES)?;
        counts.series_rows += rows(&mut w)?;
        w.flush()?;
        counts.files.push(name.to_string());
        Ok(())
    };
    series_file("timeseries_narratives.csv", &mut |w| {
        keyed_series_rows(
            w,
            n.narratives.iter().map(|x| (x.id.to_string(), &x.summary)),
        )
    })?;
    series_file("timeseries_campaigns.csv", &mut |w| {
        keyed_series_rows(
            w,
            n.campaigns
                .iter()
                .map(|x| (x.campaign_id.to_string(), &x.summary)),
        )
    })?;
    series_file("timeseries_watch.csv", &mut |w| {
        keyed_series_rows(w, n.watch.iter().map(|x| (x.term.as_str(), &x.summary)))
    })?;
    series_file("timeseries_overall.csv", &mut |w| {
        let k = series_rows(w, "all", &n.overall.series)?;
        let camp = Series {
            posts: n.overall.campaign_posts_per_bin.clone(),
            coordinated_posts: n.overall.campaign_posts_per_bin.clone(),
            ..n.overall.series.clone()
        };
        Ok(k + series_rows(w, "campaigns", &camp)?)
    })?;
    if let Some(refs) = &n.references {
        series_file("timeseries_references.csv", &mut |w| {
            keyed_series_rows(w, refs.iter().map(|x| (x.id.to_string(), &x.summary)))
        })?;
    }
    Ok(counts)
}
