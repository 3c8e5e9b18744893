//! `lockstep analyze`: the command line's options turned into lockstep-analyze's typed
//! configuration (every usage error here, before any input is read), then the library:
//! load, analyze, write.

use crate::cli::{AnalyzeArgs, InputArgs};
use crate::error::CliResult;
use crate::load::load;
use anyhow::Context;
use lockstep_analyze::input::Loaded;
use lockstep_analyze::{
    parse_behaviours, parse_window, AnalyzeConfig, DetectParams, NarrativeInputs, Run, Timer,
};
use std::path::PathBuf;
use std::time::Instant;

/// The typed configuration of `analyze`'s options, validated: the window parsed, the
/// behaviours named, alpha in range, and the watch terms, reference and seed files read
/// (a missing or empty one is a usage error).
pub fn config(a: &AnalyzeArgs) -> CliResult<AnalyzeConfig> {
    let window = a.window.as_deref().map(parse_window).transpose()?;
    // No flag: the default gap (one hour); `0` or `none`: every act counts.
    let visit_gap_ms = match a.visit_gap.as_deref().map(str::trim) {
        None => DetectParams::default().visit_gap_ms,
        Some("none") | Some("0") => None,
        Some(g) => match lockstep_model::parse_duration_ms(g) {
            Ok(ms) if ms > 0 => Some(ms),
            Ok(_) => {
                return Err(crate::error::CliError::usage(anyhow::anyhow!(
                    "--visit-gap must be longer than zero (or `0`/`none` to count every act), got '{g}'"
                )))
            }
            Err(e) => {
                return Err(crate::error::CliError::usage(anyhow::anyhow!(
                    "--visit-gap: {e}"
                )))
            }
        },
    };
    let detection = DetectParams {
        visit_gap_ms,
        alpha: a.alpha,
        min_co_actions: a.min_co_actions,
        min_campaign_size: a.min_campaign_size.max(2),
        min_campaign_score: a.min_campaign_score,
        min_exclusivity: a.min_exclusivity,
        rounds: !a.no_rounds,
        ..DetectParams::default()
    };
    AnalyzeConfig::check_detection(&detection)?;
    let narratives = NarrativeInputs::load(
        a.watch.as_deref(),
        a.reference.as_deref(),
        a.seed_accounts.as_deref(),
    )?;
    for w in &narratives.warnings {
        eprintln!("lockstep: warning: {w}");
    }
    let behaviours = a.behaviours.as_deref().map(parse_behaviours).transpose()?;
    Ok(AnalyzeConfig {
        window,
        behaviours,
        detection,
        narratives,
    })
}

pub fn run(a: AnalyzeArgs) -> CliResult {
    run_with(a, load)
}

/// `analyze` with posts read by `read` (given the input options and where rejected
/// records go) instead of from the files named on the command line.
pub fn run_with(
    a: AnalyzeArgs,
    read: impl FnOnce(&InputArgs, Option<PathBuf>) -> CliResult<Loaded>,
) -> CliResult {
    let total = Instant::now();
    let mut timer = Timer::start();
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    // Bad options fail fast (exit 2), before any input is read.
    let config = config(&a)?;
    let loaded = read(&a.input, Some(a.out.join("rejected.jsonl")))?;
    timer.lap("ingest");
    lockstep_analyze::memory::report_table(&loaded.table);
    let analysis = lockstep_analyze::analyze_with(
        &loaded.table,
        &config,
        Run {
            ingest: Some(&loaded.report),
            clock: Some((total, timer)),
            ..Run::default()
        },
    )?;
    analysis.write(&a.out)?;
    lockstep_analyze::memory::report_stage("write");
    Ok(())
}
