//! Every file of `lockstep analyze`, written from an [`Analysis`] in memory.

use crate::analysis::{Analysis, EvidenceRow};
use crate::error::Result;
use crate::pipeline::{pair_stats_values, Outputs, PAIR_STATS_COLUMNS};
use anyhow::Context;
use lockstep_model::NONE;
use lockstep_networks::evidence::write_record;
use lockstep_output::{rfc3339, schema, write_gexf, write_graphml};
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

/// Evidence rows formatted per task: enough to keep both cores busy, few enough that the
/// formatted text of the tasks in flight stays small.
const EVIDENCE_CHUNK: usize = 1 << 16;

impl Analysis<'_> {
    /// Write every file `lockstep analyze` writes into `dir` (created if missing):
    /// campaigns.json, summary.json, accounts.csv, edges.csv, evidence.csv,
    /// coordinated_posts.csv, network.gexf and network.graphml, the narratives stage's
    /// files (narratives.json, echo.json, post_labels.csv, time series, ...), their
    /// Parquet copies and report.html.
    pub fn write(&self, dir: &Path) -> Result {
        self.write_with(dir, Outputs::All)
    }

    /// [`Analysis::write`], choosing whether the Parquet copies are written.
    pub fn write_with(&self, dir: &Path, outputs: Outputs) -> Result {
        let started = Instant::now();
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        self.write_evidence(dir)?;
        self.write_accounts(dir)?;
        write_json(&dir.join(schema::files::CAMPAIGNS), &self.campaigns)?;
        self.write_edges(dir)?;
        self.write_graphs(dir)?;
        let table = self.posts();
        lockstep_narratives::write_documents(dir, &self.narratives, &self.echo)
            .and_then(|()| {
                lockstep_narratives::write_tables(dir, table, &self.findings, &self.coordinated)
            })
            .with_context(|| format!("writing narratives into {}", dir.display()))?;
        let mut summary = self.summary.clone();
        let write_s = started.elapsed().as_secs_f64();
        summary.timings_s.insert("write".into(), write_s);
        summary.total_s += write_s;
        write_json(&dir.join(schema::files::SUMMARY), &summary)?;
        let c = &summary.counts;
        eprintln!(
            "lockstep: {} campaign(s), {} accounts, {} significant edges, {} evidence rows in {} ({:.1} s)",
            c.campaigns,
            c.campaign_accounts,
            c.edges,
            c.evidence_rows,
            dir.display(),
            summary.total_s
        );
        // The brief: findings.md and stix.json (lockstep-brief).
        lockstep_brief::write(dir)
            .with_context(|| format!("writing the brief into {}", dir.display()))?;
        // Posts behind the evidence, Parquet copies of the tables, and report.html.
        self.write_coordinated_posts(dir)?;
        if outputs == Outputs::All {
            lockstep_report::export::write_parquet_exports(dir)?;
        }
        let report = dir.join("report.html");
        lockstep_report::write_report(dir, &report)?;
        eprintln!("lockstep: report: {}", report.display());
        Ok(())
    }

    /// evidence.csv: `campaign_id` and the evidence columns, one row per co-action. Rows
    /// are formatted in parallel chunks and written in order.
    fn write_evidence(&self, dir: &Path) -> Result {
        let path = dir.join(schema::files::EVIDENCE);
        let mut w = BufWriter::with_capacity(
            1 << 20,
            File::create(&path).with_context(|| path.display().to_string())?,
        );
        writeln!(
            w,
            "{},{}",
            schema::columns::evidence::CAMPAIGN_ID,
            schema::columns::evidence::HEADER
        )?;
        // Two chunks in flight per thread at most: formatted text never piles up.
        let batch = EVIDENCE_CHUNK * rayon::current_num_threads().max(1) * 2;
        for rows in self.evidence.chunks(batch) {
            let parts: Vec<csv::Result<Vec<u8>>> = rows
                .par_chunks(EVIDENCE_CHUNK)
                .map(|chunk| self.format_evidence(chunk))
                .collect();
            for part in parts {
                w.write_all(&part?)?;
            }
        }
        w.flush()?;
        Ok(())
    }

    fn format_evidence(&self, rows: &[EvidenceRow]) -> csv::Result<Vec<u8>> {
        let table = self.posts();
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(rows.len() * 96));
        let mut current: Option<(lockstep_traces::Behaviour, &lockstep_traces::Trace)> = None;
        for row in rows {
            let trace = match current {
                Some((b, t)) if b == row.behaviour => t,
                _ => {
                    let Some(t) = self.trace(row.behaviour) else {
                        continue;
                    };
                    current = Some((row.behaviour, t));
                    t
                }
            };
            let (a, b) = self.evidence_events(row);
            write_record(&mut w, table, trace, Some(row.campaign_id), &a, &b)?;
        }
        w.into_inner().map_err(|e| e.into_error().into())
    }

    fn write_accounts(&self, dir: &Path) -> Result {
        let table = self.posts();
        let mut w = csv::Writer::from_path(dir.join(schema::files::ACCOUNTS))?;
        w.write_record(schema::columns::accounts::HEADER)?;
        for r in &self.accounts {
            let m = r.account;
            w.write_record([
                table.account_id(m).to_string(),
                r.campaign_id.to_string(),
                format!("{:.4}", r.score),
                table.account_handle(m).unwrap_or("").to_string(),
                r.role.to_string(),
                r.posts.to_string(),
                r.coordinated_posts.to_string(),
                format!("{:.4}", r.coordinated_share()),
                r.leads.to_string(),
                r.follows.to_string(),
                table.account_created(m).map(rfc3339).unwrap_or_default(),
                rfc3339(r.first_post_ms),
                rfc3339(r.last_post_ms),
                table.account_platform(m).to_string(),
            ])?;
        }
        w.flush()?;
        Ok(())
    }

    fn write_edges(&self, dir: &Path) -> Result {
        use lockstep_networks::{EdgeWriter, Value as V};
        let table = self.posts();
        let f = BufWriter::new(File::create(dir.join(schema::files::EDGES))?);
        let columns: Vec<&str> = schema::columns::edges::ANALYZE
            .into_iter()
            .chain(PAIR_STATS_COLUMNS)
            .chain(schema::columns::edges::PLATFORMS)
            .collect();
        let mut w = EdgeWriter::new(f, table, &columns)?;
        let mut values = Vec::with_capacity(columns.len());
        for e in &self.edges {
            let s = &e.stats;
            values.clear();
            values.extend([
                V::U(e.campaign_id as u64),
                V::F(e.window_ms as f64 / 1000.0),
                V::F(e.expected),
                V::F(e.neg_log10_p),
                V::F(e.neg_log10_q),
            ]);
            values.extend(pair_stats_values(s));
            values.extend([
                V::S(table.account_platform(s.a)),
                V::S(table.account_platform(s.b)),
            ]);
            w.row(s.a, s.b, s.co_actions, e.behaviour.name(), &values)?;
        }
        w.finish()?;
        Ok(())
    }

    /// The fused graph, for Gephi and networkx.
    fn write_graphs(&self, dir: &Path) -> Result {
        let mut f = BufWriter::new(File::create(dir.join("network.gexf"))?);
        write_gexf(
            &mut f,
            &self.graph,
            "lockstep: accounts with significant co-action edges; weight = summed evidence (-log10 q)",
        )?;
        f.flush()?;
        let mut f = BufWriter::new(File::create(dir.join("network.graphml"))?);
        write_graphml(&mut f, &self.graph)?;
        f.flush()?;
        Ok(())
    }

    /// coordinated_posts.csv: every post that took part in a co-action of a significant
    /// edge, in time order.
    fn write_coordinated_posts(&self, dir: &Path) -> Result {
        let table = self.posts();
        let path = dir.join(lockstep_report::POSTS_FILE);
        let mut w = csv::Writer::from_path(&path).with_context(|| path.display().to_string())?;
        w.write_record(schema::columns::coordinated_posts::HEADER)?;
        let reference = |sym: u32| {
            if sym == NONE {
                std::borrow::Cow::Borrowed("")
            } else {
                table.ref_id(sym).to_cow()
            }
        };
        for p in self.coordinated_posts() {
            let author = table.author(p);
            let urls: Vec<&str> = table
                .url_syms(p)
                .iter()
                .map(|&u| table.urls.resolve(u))
                .collect();
            let tags: Vec<&str> = table
                .hashtag_syms(p)
                .iter()
                .map(|&h| table.hashtags.resolve(h))
                .collect();
            w.write_record([
                table.post_id(p).as_str(&mut itoa::Buffer::new()),
                table.account_id(author),
                table.account_handle(author).unwrap_or(""),
                &rfc3339(table.time(p)),
                table.kind(p).as_str(),
                &reference(table.repost_of(p)),
                &reference(table.reply_to(p)),
                &reference(table.quote_of(p)),
                table.text(p),
                &urls.join(" "),
                &tags.join(" "),
            ])?;
        }
        w.flush()?;
        Ok(())
    }
}

/// Write a JSON document the way every JSON file of an analysis is written: pretty, with
/// a final newline.
fn write_json<T: serde::Serialize>(path: &Path, doc: &T) -> Result {
    let mut f = BufWriter::new(File::create(path).with_context(|| path.display().to_string())?);
    serde_json::to_writer_pretty(&mut f, doc)?;
    f.write_all(b"\n")?;
    f.flush()?;
    Ok(())
}
