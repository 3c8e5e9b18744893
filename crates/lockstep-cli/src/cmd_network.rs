//! `lockstep network`: one behaviour, one network, as CSV.

use crate::cli::{InputArgs, NetworkArgs};
use crate::error::{CliError, CliResult};
use crate::load::load;
use anyhow::{anyhow, Context};
use lockstep_analyze::input::Loaded;
use lockstep_analyze::{pair_stats_values, PAIR_STATS_COLUMNS};
use lockstep_model::PostTable;
use lockstep_networks::native;
use lockstep_networks::{cnt, coortweet, evidence, EdgeWriter, NetworkParams, Value};
use lockstep_traces::{extract, Behaviour, Semantics, Trace};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn run(a: NetworkArgs) -> CliResult {
    run_with(a, load)
}

/// `network` with posts read by `read` (given the input options and where rejected
/// records go) instead of from the files named on the command line.
pub fn run_with(
    a: NetworkArgs,
    read: impl FnOnce(&InputArgs, Option<PathBuf>) -> CliResult<Loaded>,
) -> CliResult {
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
    if !(a.window.is_finite() && a.window >= 0.0) {
        return Err(CliError::usage(anyhow!(
            "--window must be a non-negative number of seconds"
        )));
    }
    if a.self_loops && semantics == Semantics::Native {
        return Err(CliError::usage(anyhow!(
            "--self-loops applies to --semantics cnt and coortweet (the peers' graphs with loops)"
        )));
    }
    if a.similarity.is_some() && !behaviours.contains(&Behaviour::CoSimilar) {
        return Err(CliError::usage(anyhow!(
            "--similarity applies to co-similar only"
        )));
    }
    let params = NetworkParams {
        window_ms: (a.window * 1000.0).round() as i64,
        min_weight: a.min_weight,
        min_participation: a.min_participation,
        edge_weight_quantile: a.edge_weight,
        self_loops: a.self_loops,
    };
    // Several behaviours in one run share one load; --out is then a directory holding
    // `<behaviour>.csv` (and `<behaviour>-evidence.csv` with --evidence).
    let many = behaviours.len() > 1;
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
    for behaviour in behaviours {
        let (out, evidence) = if many {
            let ev = a
                .evidence
                .as_ref()
                .map(|_| a.out.join(format!("{}-evidence.csv", behaviour.name())));
            (a.out.join(format!("{}.csv", behaviour.name())), ev)
        } else {
            (a.out.clone(), a.evidence.clone())
        };
        one_network(
            &a,
            &loaded.table,
            behaviour,
            semantics,
            &params,
            &out,
            evidence.as_deref(),
        )?;
    }
    Ok(())
}

/// The trace of one behaviour under the chosen semantics.
fn trace_for(table: &PostTable, behaviour: Behaviour, semantics: Semantics) -> CliResult<Trace> {
    extract(table, behaviour, semantics).map_err(|e| CliError::usage(anyhow!(e)))
}

/// co-similar comes from lockstep-similar: under native (and CooRTweet) semantics the
/// object of a post is its message template; under the toolkit's semantics every pair of
/// non-reposts in the window is compared with its Jaccard of word-token sets, so the trace
/// has one object and the token sets give the pair predicate.
fn co_similar(
    a: &NetworkArgs,
    table: &PostTable,
    semantics: Semantics,
) -> CliResult<(Trace, Option<lockstep_similar::cnt::CntTokenSets>)> {
    use lockstep_similar::cnt;
    let threshold = a.similarity.unwrap_or(match semantics {
        Semantics::Cnt => cnt::CNT_DEFAULT_THRESHOLD,
        _ => lockstep_similar::DEFAULT_THRESHOLD,
    });
    if !(threshold.is_finite() && (0.0..=1.0).contains(&threshold)) {
        return Err(CliError::usage(anyhow!(
            "--similarity must be a number between 0 and 1"
        )));
    }
    if semantics == Semantics::Cnt {
        let sets = cnt::CntTokenSets::new(table, threshold, cnt::CNT_DEFAULT_MIN_TOKENS);
        return Ok((cnt::cnt_trace(table), Some(sets)));
    }
    let templates = lockstep_similar::assign_templates(
        table,
        &lockstep_similar::SimilarParams::with_threshold(threshold),
    );
    let s = &templates.stats;
    eprintln!(
        "lockstep: co-similar: {} templates hold {} of {} comparable posts \
         ({} distinct texts, similarity >= {threshold}, {} exact comparisons)",
        s.templates, s.posts_in_templates, s.eligible_posts, s.distinct_texts, s.verifications
    );
    Ok((lockstep_similar::co_similar_trace(table, &templates), None))
}

fn one_network(
    a: &NetworkArgs,
    table: &PostTable,
    behaviour: Behaviour,
    semantics: Semantics,
    params: &NetworkParams,
    out_path: &Path,
    evidence_path: Option<&Path>,
) -> CliResult {
    let started = Instant::now();
    let params = params.clone();
    let (trace, similar) = if behaviour == Behaviour::CoSimilar {
        co_similar(a, table, semantics)?
    } else {
        (trace_for(table, behaviour, semantics)?, None)
    };
    if trace.is_empty() {
        eprintln!(
            "lockstep: warning: {}",
            lockstep_traces::nothing_to_work_on(table, behaviour, "--behaviour")
        );
    }

    let file =
        File::create(out_path).with_context(|| format!("creating {}", out_path.display()))?;
    let out = BufWriter::with_capacity(1 << 20, file);
    let edges = match semantics {
        Semantics::Cnt => {
            let edge_type = behaviour.cnt_name().unwrap_or(behaviour.name());
            let mut w = EdgeWriter::new(out, table, &[])?;
            let mut err = None;
            let mut emit = |edges: &[cnt::DirectedEdge]| {
                for e in edges {
                    if err.is_none() {
                        if let Err(x) = w.row(e.source, e.target, e.weight, edge_type, &[]) {
                            err = Some(x);
                        }
                    }
                }
            };
            match &similar {
                Some(sets) => {
                    lockstep_similar::cnt::cnt_network(table, &trace, sets, &params, &mut emit)
                }
                None => cnt::network(table, &trace, &params, &mut emit),
            }
            if let Some(e) = err {
                return Err(e.into());
            }
            w.finish()?
        }
        Semantics::Native => {
            let mut w = EdgeWriter::new(out, table, &PAIR_STATS_COLUMNS)?;
            let mut err = None;
            native::network(table, &trace, &params, |edges| {
                for e in edges {
                    if err.is_some() {
                        return;
                    }
                    let r = w.row(
                        e.a,
                        e.b,
                        e.co_actions,
                        behaviour.name(),
                        &pair_stats_values(e),
                    );
                    if let Err(x) = r {
                        err = Some(x);
                    }
                }
            });
            if let Some(e) = err {
                return Err(e.into());
            }
            w.finish()?
        }
        Semantics::Coortweet => {
            let net = coortweet::network(table, &trace, &params);
            let mut w = EdgeWriter::new(out, table, &["avg_time_delta", "weight_threshold"])?;
            for e in &net.edges {
                w.row(
                    e.a,
                    e.b,
                    e.weight,
                    behaviour.name(),
                    &[Value::F(e.avg_time_delta), Value::B(e.weight_threshold)],
                )?;
            }
            eprintln!(
                "lockstep: CooRTweet network: {} vertices, {} edges, weight threshold {} (quantile {})",
                net.vertices,
                net.edges.len(),
                net.threshold,
                params.edge_weight_quantile
            );
            w.finish()?
        }
    };
    if let Some(path) = evidence_path {
        let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut w = BufWriter::with_capacity(1 << 20, f);
        // Under the toolkit's semantics, times that are not whole seconds are compared on
        // its clock; a pair is evidence if either side's test accepts it.
        let clock = (semantics == Semantics::Cnt)
            .then(|| cnt::PeerClock::new(table, &trace, params.window_ms))
            .flatten();
        let sweep_ms = clock
            .as_ref()
            .map_or(params.window_ms, |c| c.sweep_window_ms(params.window_ms));
        let keep = |x: &lockstep_traces::Event, y: &lockstep_traces::Event| {
            if let Some(c) = &clock {
                if !(c.within(x, y) || c.within(y, x)) {
                    return None;
                }
            }
            match &similar {
                Some(sets) => sets.matches(x.post, y.post).then_some(0),
                None => Some(0),
            }
        };
        let rows = evidence::write_evidence(table, &trace, sweep_ms, &keep, None, &mut w, true)?;
        eprintln!("lockstep: wrote {rows} co-actions to {}", path.display());
    }
    eprintln!(
        "lockstep: {} {} network ({} semantics, window {} s): {} edges in {} ({:.2} s)",
        behaviour,
        if semantics == Semantics::Cnt {
            "directed"
        } else {
            "undirected"
        },
        a.semantics,
        a.window,
        edges,
        out_path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
