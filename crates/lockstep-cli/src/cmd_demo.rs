//! `lockstep demo`: the main job on embedded defaults, with no input needed.

use crate::cli::{DemoArgs, GenerateArgs, InputArgs, NetworkArgs};
use crate::error::CliResult;
use crate::{cmd_generate, cmd_network};

/// Behaviours the demo computes, with their windows in seconds.
const DEMO_NETWORKS: [(&str, f64); 5] = [
    ("co-repost", 60.0),
    ("co-text", 60.0),
    ("co-link", 60.0),
    ("co-reply", 60.0),
    ("co-hashtag", 60.0),
];

pub fn run(a: DemoArgs) -> CliResult {
    let data = a.out.join("data");
    cmd_generate::run(GenerateArgs {
        scenario: "basic".into(),
        seed: 1,
        scale: 0.2,
        out: data.clone(),
    })?;
    std::fs::create_dir_all(&a.out)?;
    for (behaviour, window) in DEMO_NETWORKS {
        let out = a.out.join(format!("{behaviour}.csv"));
        cmd_network::run(NetworkArgs {
            input: InputArgs {
                inputs: vec![data.join("posts.csv")],
                format: "auto".into(),
                strict: false,
            },
            behaviour: behaviour.into(),
            window,
            min_weight: 2,
            similarity: None,
            semantics: "native".into(),
            min_participation: 2,
            edge_weight: 0.5,
            evidence: Some(a.out.join(format!("{behaviour}-evidence.csv"))),
            rejected: Some(a.out.join("rejected.jsonl")),
            memory_mib: 2048,
            out,
        })?;
    }
    println!(
        "lockstep demo: networks and evidence written to {}",
        a.out.display()
    );
    println!(
        "  ground truth of the planted campaigns: {}",
        data.join("truth.csv").display()
    );
    Ok(())
}
