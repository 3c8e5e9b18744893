//! Evidence: every co-action as a row (object, the two posts, their accounts and times,
//! `dt`), streamed to disk so that a huge result never sits in memory
//! ([`write_evidence`]), or collected as the caller's compact rows ([`collect_evidence`])
//! and written later with [`write_record`].
//!
//! Each chunk of the sweep writes to its own anonymous temporary file (or vector); they are
//! concatenated in chunk order at the end, so the output is deterministic.

use lockstep_kernel::{Sink, Sweep};
use lockstep_model::PostTable;
use lockstep_traces::{Event, Trace};
use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

/// Header of evidence CSV files (lockstep-output's schema names every output's columns).
pub const HEADER: &str = lockstep_output::schema::columns::evidence::HEADER;

/// Decides which co-actions are evidence: `None` skips one, `Some(tag)` keeps it, and the
/// tag is written as a first column when the writer was given a tag column name.
pub type Keep<'a> = &'a (dyn Fn(&Event, &Event) -> Option<u32> + Sync);

struct EvidenceSink<'a> {
    table: &'a PostTable,
    trace: &'a Trace,
    keep: Keep<'a>,
    tagged: bool,
    out: Option<csv::Writer<BufWriter<File>>>,
    rows: u64,
    error: Option<io::Error>,
}

/// A time or a duration in milliseconds as evidence files write it: whole seconds, or
/// seconds with three decimals.
pub fn time_s(ms: i64) -> String {
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{:.3}", ms as f64 / 1000.0)
    }
}

/// Write one evidence row (`behaviour,object,post_a,account_a,time_a,post_b,account_b,
/// time_b,dt_seconds`, after `tag` as a first column when given) of the co-action of `a`
/// and `b` in `trace`: the row format of every evidence file.
pub fn write_record<W: Write>(
    w: &mut csv::Writer<W>,
    table: &PostTable,
    trace: &Trace,
    tag: Option<u32>,
    a: &Event,
    b: &Event,
) -> csv::Result<()> {
    if let Some(tag) = tag {
        w.write_field(itoa::Buffer::new().format(tag))?;
    }
    let (mut id_a, mut id_b) = (itoa::Buffer::new(), itoa::Buffer::new());
    w.write_record([
        trace.behaviour.name(),
        &trace.object_label(table, a.object),
        table.post_id(a.post).as_str(&mut id_a),
        table.account_id(a.account),
        &time_s(a.time),
        table.post_id(b.post).as_str(&mut id_b),
        table.account_id(b.account),
        &time_s(b.time),
        &time_s(b.time - a.time),
    ])
}

/// Collects what `keep` makes of each co-action.
struct CollectSink<'a, R> {
    keep: &'a (dyn Fn(&Event, &Event) -> Option<R> + Sync),
    rows: Vec<R>,
}

impl<R: Send> Sink for CollectSink<'_, R> {
    fn co_action(&mut self, a: &Event, b: &Event) {
        if let Some(r) = (self.keep)(a, b) {
            self.rows.push(r);
        }
    }
}

/// Sweep `trace` as [`write_evidence`] does and return what `keep` makes of every
/// co-action it accepts, in the order [`write_evidence`] writes them: a caller keeps
/// compact rows in memory and writes them with [`write_record`].
pub fn collect_evidence<R: Send>(
    table: &PostTable,
    trace: &Trace,
    window_ms: i64,
    keep: &(dyn Fn(&Event, &Event) -> Option<R> + Sync),
) -> Vec<R> {
    let sweep = Sweep {
        window_ms,
        accounts: table.account_count(),
    };
    let sinks = sweep.run(trace, || CollectSink {
        keep,
        rows: Vec::new(),
    });
    let mut rows = Vec::with_capacity(sinks.iter().map(|s| s.rows.len()).sum());
    for s in sinks {
        rows.extend(s.rows);
    }
    rows
}

impl EvidenceSink<'_> {
    fn write(&mut self, tag: u32, a: &Event, b: &Event) -> io::Result<()> {
        if self.out.is_none() {
            self.out = Some(
                csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(BufWriter::new(tempfile::tempfile()?)),
            );
        }
        let Some(w) = self.out.as_mut() else {
            return Ok(());
        };
        write_record(w, self.table, self.trace, self.tagged.then_some(tag), a, b)?;
        self.rows += 1;
        Ok(())
    }
}

impl Sink for EvidenceSink<'_> {
    fn co_action(&mut self, a: &Event, b: &Event) {
        if self.error.is_some() {
            return;
        }
        let Some(tag) = (self.keep)(a, b) else {
            return;
        };
        if let Err(e) = self.write(tag, a, b) {
            self.error = Some(e);
        }
    }
}

/// Sweep `trace` and write every co-action accepted by `keep` to `out`. With
/// `tag_column`, the tag `keep` returns is written first under that name. With `header`,
/// a header line comes first. Returns the number of rows.
pub fn write_evidence(
    table: &PostTable,
    trace: &Trace,
    window_ms: i64,
    keep: Keep,
    tag_column: Option<&str>,
    out: &mut dyn Write,
    header: bool,
) -> io::Result<u64> {
    let sweep = Sweep {
        window_ms,
        accounts: table.account_count(),
    };
    let sinks = sweep.run(trace, || EvidenceSink {
        table,
        trace,
        keep,
        tagged: tag_column.is_some(),
        out: None,
        rows: 0,
        error: None,
    });
    if header {
        match tag_column {
            Some(t) => writeln!(out, "{t},{HEADER}")?,
            None => writeln!(out, "{HEADER}")?,
        }
    }
    let mut rows = 0;
    for s in sinks {
        if let Some(e) = s.error {
            return Err(e);
        }
        rows += s.rows;
        if let Some(w) = s.out {
            let mut file = w
                .into_inner()
                .map_err(|e| e.into_error())?
                .into_inner()
                .map_err(|e| e.into_error())?;
            file.rewind()?;
            io::copy(&mut file, out)?;
        }
    }
    out.flush()?;
    Ok(rows)
}
