//! `lockstep generate`: synthetic data with planted coordination.

use crate::cli::GenerateArgs;
use crate::error::{CliError, CliResult};
use anyhow::anyhow;
use lockstep_generate::{generate, scenario_names, GenerateOptions};

pub fn run(a: GenerateArgs) -> CliResult {
    if !scenario_names().contains(&a.scenario.as_str()) {
        return Err(CliError::usage(anyhow!(
            "unknown scenario '{}' (known: {})",
            a.scenario,
            scenario_names().join(", ")
        )));
    }
    if !(a.scale.is_finite() && a.scale > 0.0) {
        return Err(CliError::usage(anyhow!(
            "--scale must be a positive number"
        )));
    }
    let summary = generate(&GenerateOptions {
        scenario: a.scenario.clone(),
        seed: a.seed,
        scale: a.scale,
        out_dir: a.out.clone(),
    })?;
    eprintln!(
        "lockstep: scenario {} (seed {}, scale {}): {} posts by {} accounts ({} in planted campaigns) in {}",
        a.scenario,
        a.seed,
        a.scale,
        summary.posts,
        summary.accounts,
        summary.campaign_accounts,
        a.out.display()
    );
    Ok(())
}
