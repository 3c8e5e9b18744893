//! `lockstep network`: the command line's options turned into lockstep-analyze's network
//! configuration, then one network per behaviour, as CSV (the library's
//! [`lockstep_analyze::network()`]).

use crate::cli::{InputArgs, NetworkArgs};
use crate::error::{CliError, CliResult};
use crate::load::load;
use anyhow::{anyhow, Context};
use lockstep_analyze::input::Loaded;
use lockstep_analyze::network::{network, NetworkConfig};
use lockstep_model::PostTable;
use lockstep_networks::NetworkParams;
use lockstep_traces::{Behaviour, Semantics};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn run(a: NetworkArgs) -> CliResult {
    run_with(a, load)
}

/// The networks `network`'s options ask for, one configuration per behaviour, checked:
/// every usage error here, before any input is read.
pub fn configs(a: &NetworkArgs) -> CliResult<Vec<NetworkConfig>> {
    let behaviours: Vec<Behaviour> = a
        .behaviour
        .split(',')
        .filter(|b| !b.trim().is_empty())
        .map(|b| b.parse::<Behaviour>())
        .collect::<Result<_, _>>()
        .map_err(|e: String| CliError::usage(anyhow!(e)))?;
    if behaviours.is_empty() {
        return Err(CliError::usage(anyhow!("--behaviour names no behaviour")));
    }
    let semantics: Semantics = a
        .semantics
        .parse()
        .map_err(|e: String| CliError::usage(anyhow!(e)))?;
    if a.similarity.is_some() && !behaviours.contains(&Behaviour::CoSimilar) {
        return Err(CliError::usage(anyhow!(
            "--similarity applies to co-similar only"
        )));
    }
    let params = NetworkParams {
        window_ms: a.window.ms(),
        min_weight: a.min_weight,
        min_participation: a.min_participation,
        edge_weight_quantile: a.edge_weight,
        self_loops: a.self_loops,
    };
    let configs: Vec<NetworkConfig> = behaviours
        .iter()
        .map(|&behaviour| NetworkConfig {
            behaviour,
            semantics,
            params: params.clone(),
            similarity: a.similarity.filter(|_| behaviour == Behaviour::CoSimilar),
        })
        .collect();
    // Bad options fail fast (exit 2), before any input is read.
    for c in &configs {
        c.validate()?;
    }
    Ok(configs)
}

/// `network` with posts read by `read` (given the input options and where rejected
/// records go) instead of from the files named on the command line.
pub fn run_with(
    a: NetworkArgs,
    read: impl FnOnce(&InputArgs, Option<PathBuf>) -> CliResult<Loaded>,
) -> CliResult {
    let configs = configs(&a)?;
    // Several behaviours in one run share one load; --out is then a directory holding
    // `<behaviour>.csv` (and `<behaviour>-evidence.csv` with --evidence).
    let many = configs.len() > 1;
    if many {
        std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    }
    let rejected = a.rejected.clone().unwrap_or_else(|| {
        if many {
            a.out.join("rejected.jsonl")
        } else {
            let mut p = a.out.clone().into_os_string();
            p.push(".rejected.jsonl");
            PathBuf::from(p)
        }
    });
    let loaded = read(&a.input, Some(rejected))?;
    for config in &configs {
        let behaviour = config.behaviour;
        let (out, evidence) = if many {
            let ev = a
                .evidence
                .as_ref()
                .map(|_| a.out.join(format!("{}-evidence.csv", behaviour.name())));
            (a.out.join(format!("{}.csv", behaviour.name())), ev)
        } else {
            (a.out.clone(), a.evidence.clone())
        };
        one_network(&a, &loaded.table, config, &out, evidence.as_deref())?;
    }
    Ok(())
}

/// Build one network into `out_path` (and its evidence), saying what was written.
fn one_network(
    a: &NetworkArgs,
    table: &PostTable,
    config: &NetworkConfig,
    out_path: &Path,
    evidence_path: Option<&Path>,
) -> CliResult {
    let started = Instant::now();
    let net = network(table, config)?;
    let file =
        File::create(out_path).with_context(|| format!("creating {}", out_path.display()))?;
    let edges = net.write_csv(&mut BufWriter::with_capacity(1 << 20, file))?;
    if let Some(path) = evidence_path {
        let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let rows = net.write_evidence(&mut BufWriter::with_capacity(1 << 20, f))?;
        eprintln!("lockstep: wrote {rows} co-actions to {}", path.display());
    }
    eprintln!(
        "lockstep: {} {} network ({} semantics, window {} s): {} edges in {} ({:.2} s)",
        config.behaviour,
        if config.semantics == Semantics::Cnt {
            "directed"
        } else {
            "undirected"
        },
        a.semantics,
        a.window.ms() as f64 / 1000.0,
        edges,
        out_path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
