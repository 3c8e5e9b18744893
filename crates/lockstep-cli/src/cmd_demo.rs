//! `lockstep demo`: the main job on an embedded default, with no input needed: generate a
//! dataset with planted campaigns, analyse it, and say where everything is.
//!
//! It runs the very commands a user would type, parsed by the same command line.

use crate::cli::{Cli, Command, DemoArgs};
use crate::error::{CliError, CliResult};
use crate::{cmd_analyze, cmd_generate};
use clap::Parser;

/// Scenario and size of the demo dataset.
const DEMO_SCENARIO: &str = "h20";
const DEMO_SCALE: &str = "0.5";

fn command(args: &[&str]) -> CliResult<Command> {
    let mut argv = vec!["lockstep"];
    argv.extend_from_slice(args);
    Ok(Cli::try_parse_from(argv).map_err(CliError::usage)?.command)
}

pub fn run(a: DemoArgs) -> CliResult {
    let data = a.out.join("data");
    let results = a.out.join("results");
    let (data_s, results_s) = (data.display().to_string(), results.display().to_string());
    let posts = data.join("posts.csv").display().to_string();
    if let Command::Generate(g) = command(&[
        "generate",
        "--scenario",
        DEMO_SCENARIO,
        "--seed",
        "1",
        "--scale",
        DEMO_SCALE,
        "--out",
        &data_s,
    ])? {
        cmd_generate::run(g)?;
    }
    // The h20 scenario also writes reference articles and seed accounts: use them, so the
    // report shows their echo.
    let mut analyze = vec![
        "analyze".to_string(),
        posts.clone(),
        "--out".into(),
        results_s.clone(),
    ];
    for (file, flag) in [
        ("references.jsonl", "--reference"),
        ("seed_accounts.csv", "--seed-accounts"),
    ] {
        if data.join(file).exists() {
            analyze.push(flag.into());
            analyze.push(data.join(file).display().to_string());
        }
    }
    let analyze: Vec<&str> = analyze.iter().map(String::as_str).collect();
    if let Command::Analyze(an) = command(&analyze)? {
        cmd_analyze::run(an)?;
    }
    println!("lockstep demo: analysed a '{DEMO_SCENARIO}' scenario with planted campaigns");
    println!("  data:         {data_s}");
    println!("  ground truth: {}", data.join("truth.csv").display());
    println!("  results:      {results_s}");
    for f in [
        "findings.md      (the brief: what was found, in sentences)",
        "stix.json        (STIX 2.1 bundle for threat-intelligence tools)",
        "summary.json",
        "campaigns.json",
        "accounts.csv",
        "edges.csv",
        "evidence.csv",
        "coordinated_posts.csv",
        "edges.parquet, accounts.parquet, evidence.parquet, coordinated_posts.parquet",
        "network.gexf",
        "network.graphml",
    ] {
        println!("    {f}");
    }
    let report = results.join("report.html");
    let report = std::fs::canonicalize(&report).unwrap_or(report);
    println!("  report:       {}", report.display());
    println!(
        "  open it in a browser (it works offline): file://{}",
        report.display()
    );
    Ok(())
}
