//! `lockstep report`: render `report.html` from an analyze directory.

use crate::cli::ReportArgs;
use crate::error::{CliError, CliResult};
use anyhow::{anyhow, Context};

pub fn run(a: ReportArgs) -> CliResult {
    if !a.dir.is_dir() {
        return Err(CliError::usage(anyhow!(
            "{} is not a directory (give the --out directory of `lockstep analyze`)",
            a.dir.display()
        )));
    }
    if !a.dir.join("summary.json").exists() && !a.dir.join("campaigns.json").exists() {
        return Err(CliError::usage(anyhow!(
            "{} has neither summary.json nor campaigns.json: not an analyze directory",
            a.dir.display()
        )));
    }
    let out = a.out.unwrap_or_else(|| a.dir.join("report.html"));
    lockstep_report::write_report(&a.dir, &out)
        .with_context(|| format!("writing {}", out.display()))?;
    if a.parquet {
        lockstep_report::export::write_parquet_exports(&a.dir)?;
    }
    println!("{}", out.display());
    Ok(())
}
