//! Reading inputs (files or directories, any format lockstep reads) into a post table.

use crate::error::{Error, Result};
use anyhow::anyhow;
use lockstep_ingest::{
    expand_inputs, format_by_name, Format, Ingest, IngestError, IngestOptions, IngestReport,
};
use lockstep_model::PostTable;
use std::path::PathBuf;

/// How to read inputs: the options of every command that reads posts.
#[derive(Clone, Debug)]
pub struct InputOptions {
    /// Input files or directories (gzip and zstd are recognised).
    pub inputs: Vec<PathBuf>,
    /// Input format, or `auto` to detect it from the content.
    pub format: String,
    /// Stop at the first bad record instead of quarantining it.
    pub strict: bool,
    /// Column mapping for generic-csv, generic-jsonl and parquet (`author` -> `uid`).
    pub map: Vec<(String, String)>,
    /// How the generic formats' time column is written.
    pub time_format: Option<String>,
    /// UTC offset of times written without one (generic formats: UTC by default; Weibo
    /// and WeChat readers: Beijing time).
    pub time_zone: Option<String>,
    /// When the data was collected (`--crawl-time`), for relative Weibo stamps.
    pub crawl_time: Option<String>,
    /// Platform name for the generic formats.
    pub platform: Option<String>,
    /// Field delimiter of generic-csv.
    pub delimiter: Option<u8>,
    /// Longest record read, in MiB.
    pub max_record_mib: usize,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            inputs: Vec::new(),
            format: "auto".into(),
            strict: false,
            map: Vec::new(),
            time_format: None,
            time_zone: None,
            crawl_time: None,
            platform: None,
            delimiter: None,
            max_record_mib: 64,
        }
    }
}

/// Posts and what happened while reading them.
pub struct Loaded {
    /// The posts.
    pub table: PostTable,
    /// Counts, per-file details and warnings.
    pub report: IngestReport,
}

/// Read every input. Bad records go to `quarantine`; a file that cannot be opened or
/// recognised is reported and skipped; no readable input at all is a usage error.
pub fn load(args: &InputOptions, quarantine: Option<PathBuf>) -> Result<Loaded> {
    let files = expand_inputs(&args.inputs).map_err(Error::usage)?;
    if files.is_empty() {
        return Err(Error::usage(anyhow!("no input files")));
    }
    let format: Option<&dyn Format> = match args.format.as_str() {
        "auto" => None,
        name => Some(format_by_name(name).map_err(Error::usage)?),
    };
    let opts = IngestOptions {
        strict: args.strict,
        quarantine_path: quarantine,
        mapping: args.map.clone(),
        time_format: args.time_format.clone(),
        time_zone: args.time_zone.clone(),
        crawl_time: args.crawl_time.clone(),
        platform: args.platform.clone(),
        delimiter: args.delimiter,
        max_record_bytes: args.max_record_mib.max(1).saturating_mul(1 << 20),
    };
    opts.check().map_err(Error::usage)?;
    let mut ingest = Ingest::new(opts);
    // Texts go to the spill file 16 MiB at a time as they are read, so the heap never
    // holds them all (see below). Without room for the file they stay on the heap, and
    // the spill after reading says why.
    let _ = ingest.table_mut().spill_text_while_reading(16 << 20);
    let mut readable = 0;
    for f in &files {
        match ingest.read_file(f, format) {
            Ok(()) => readable += 1,
            Err(e @ IngestError::Strict { .. }) => {
                return Err(Error::usage(anyhow!("{e} (--strict)")))
            }
            Err(e @ (IngestError::Io { .. } | IngestError::UnknownFormat { .. })) => {
                if args.strict {
                    return Err(Error::usage(e));
                }
                ingest.warn(e.to_string());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let (mut table, report) = ingest.finish()?;
    // Texts are read in a few full passes, then only for evidence and examples: out of the
    // heap into a memory-mapped temporary file they cost resident memory only while read
    // (lockstep-model's `PostTable::spill_text`): the last piece read goes there now.
    // Without room for the file they stay.
    if let Err(e) = table.spill_text() {
        eprintln!("lockstep: warning: post texts kept in memory (no spill file: {e})");
    }
    for w in &report.warnings {
        eprintln!("lockstep: warning: {w}");
    }
    if readable == 0 {
        return Err(Error::usage(anyhow!("no readable input")));
    }
    if table.is_empty() {
        return Err(Error::usage(anyhow!(
            "no posts could be read from the input ({} records rejected)",
            report.rejected
        )));
    }
    eprintln!(
        "lockstep: read {} records from {} file(s): {} posts, {} duplicates, {} rejected{}",
        report.records,
        readable,
        table.len(),
        report.duplicates,
        report.rejected,
        report
            .quarantine
            .as_ref()
            .map(|q| format!(" (see {q})"))
            .unwrap_or_default()
    );
    Ok(Loaded { table, report })
}
