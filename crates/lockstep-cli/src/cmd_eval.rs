//! `lockstep eval`: scores an `analyze` output directory against ground truth.

use std::io::Write;

use crate::cli::EvalArgs;
use crate::error::{CliError, CliResult};
use anyhow::Context;
use lockstep_eval::{evaluate, to_json};

pub fn run(a: EvalArgs) -> CliResult {
    // Unreadable or malformed inputs are bad usage (exit code 2).
    let report = evaluate(&a.truth, &a.dir).map_err(CliError::usage)?;
    let mut json = to_json(&report)?;
    json.push('\n');
    if let Some(out) = &a.out {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(out, &json).with_context(|| format!("writing {}", out.display()))?;
    }
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(json.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A reader that stops early (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => {
            other.context("writing to stdout")?;
            Ok(())
        }
    }
}
