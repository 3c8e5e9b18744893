//! Generates a data set: `cargo run --release -p lockstep-generate --example gen -- SCENARIO SEED SCALE OUT_DIR`.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use lockstep_generate::{generate, scenario_names, GenerateOptions};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario, seed, scale, out_dir] = args.as_slice() else {
        bail!(
            "usage: gen SCENARIO SEED SCALE OUT_DIR (scenarios: {})",
            scenario_names().join(", ")
        );
    };
    let opts = GenerateOptions {
        scenario: scenario.clone(),
        seed: seed.parse().context("SEED must be an unsigned integer")?,
        scale: scale.parse().context("SCALE must be a number")?,
        out_dir: out_dir.into(),
    };
    let started = Instant::now();
    let summary = generate(&opts)?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} posts, {} accounts ({} campaign) in {secs:.2} s",
        summary.posts, summary.accounts, summary.campaign_accounts
    );
    for f in &summary.files {
        let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        println!("{:>14} bytes  {}", size, f.display());
    }
    Ok(())
}
