//! Reading the command line's inputs into a post table.

use crate::cli::InputArgs;
use crate::error::{CliError, CliResult};
use anyhow::anyhow;
use lockstep_ingest::{
    expand_inputs, format_by_name, Format, Ingest, IngestError, IngestOptions, IngestReport,
};
use lockstep_model::PostTable;
use std::path::PathBuf;

/// Posts and what happened while reading them.
pub struct Loaded {
    /// The posts.
    pub table: PostTable,
    /// Counts, per-file details and warnings.
    #[allow(dead_code)] // read by `analyze` for summary.json
    pub report: IngestReport,
}

/// Read every input. Bad records go to `quarantine`; a file that cannot be opened or
/// recognised is reported and skipped; no readable input at all is a usage error.
pub fn load(args: &InputArgs, quarantine: Option<PathBuf>) -> CliResult<Loaded> {
    let files = expand_inputs(&args.inputs).map_err(CliError::usage)?;
    if files.is_empty() {
        return Err(CliError::usage(anyhow!("no input files")));
    }
    let format: Option<&dyn Format> = match args.format.as_str() {
        "auto" => None,
        name => Some(format_by_name(name).map_err(CliError::usage)?),
    };
    let opts = IngestOptions {
        strict: args.strict,
        quarantine_path: quarantine,
        mapping: args.map.clone(),
        time_format: args.time_format.clone(),
        time_zone: args.time_zone.clone(),
        platform: args.platform.clone(),
        delimiter: args.delimiter,
        max_record_bytes: args.max_record_mib.max(1).saturating_mul(1 << 20),
    };
    opts.check().map_err(CliError::usage)?;
    let mut ingest = Ingest::new(opts);
    let mut readable = 0;
    for f in &files {
        match ingest.read_file(f, format) {
            Ok(()) => readable += 1,
            Err(e @ IngestError::Strict { .. }) => {
                return Err(CliError::usage(anyhow!("{e} (--strict)")))
            }
            Err(e @ (IngestError::Io { .. } | IngestError::UnknownFormat { .. })) => {
                if args.strict {
                    return Err(CliError::usage(e));
                }
                ingest.warn(e.to_string());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let (table, report) = ingest.finish()?;
    for w in &report.warnings {
        eprintln!("lockstep: warning: {w}");
    }
    if readable == 0 {
        return Err(CliError::usage(anyhow!("no readable input")));
    }
    if table.is_empty() {
        return Err(CliError::usage(anyhow!(
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
