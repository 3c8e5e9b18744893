//! One behaviour, one account network (`lockstep network`): the behaviour's trace under a
//! semantics (lockstep's native one, the coordination-network-toolkit's or CooRTweet's),
//! with its edges either streamed to a CSV file ([`Network::write_csv`], for networks
//! too big to hold) or collected in memory ([`Network::edges`]), and every co-action as
//! evidence ([`Network::write_evidence`]).

use crate::error::{Error, Result};
use crate::pipeline::{pair_stats_values, PAIR_STATS_COLUMNS};
use anyhow::anyhow;
use lockstep_model::PostTable;
use lockstep_networks::cnt::{self, DirectedEdge};
use lockstep_networks::coortweet::{self, CoortweetNetwork};
use lockstep_networks::native::{self, PairStats};
use lockstep_networks::{evidence, EdgeWriter, NetworkParams, Value};
use lockstep_similar::cnt::CntTokenSets;
use lockstep_traces::{extract, Behaviour, Event, Semantics, Trace};
use std::io::Write;

/// What one network is built with.
#[derive(Clone, Debug)]
pub struct NetworkConfig {
    /// The behaviour.
    pub behaviour: Behaviour,
    /// Whose rules: lockstep's (`native`), the toolkit's (`cnt`) or CooRTweet's.
    pub semantics: Semantics,
    /// Window, minimum weight, CooRTweet's participation and quantile, self-loops.
    pub params: NetworkParams,
    /// co-similar's similarity threshold in [0, 1] (none: the semantics' default).
    pub similarity: Option<f64>,
}

impl NetworkConfig {
    /// Check the combination (a usage error with the command line's message): self-loops
    /// exist under the peers' semantics only, a similarity for co-similar only, and the
    /// window is a number of seconds that is not negative.
    pub fn validate(&self) -> Result {
        if self.params.window_ms < 0 {
            return Err(Error::usage(anyhow!(
                "--window must be a non-negative number of seconds"
            )));
        }
        if self.params.self_loops && self.semantics == Semantics::Native {
            return Err(Error::usage(anyhow!(
                "--self-loops applies to --semantics cnt and coortweet (the peers' graphs with loops)"
            )));
        }
        if self.similarity.is_some() && self.behaviour != Behaviour::CoSimilar {
            return Err(Error::usage(anyhow!(
                "--similarity applies to co-similar only"
            )));
        }
        if let Some(t) = self.similarity {
            if !(t.is_finite() && (0.0..=1.0).contains(&t)) {
                return Err(Error::usage(anyhow!(
                    "--similarity must be a number between 0 and 1"
                )));
            }
        }
        Ok(())
    }
}

/// The edges of a network, as its semantics makes them.
#[derive(Clone, Debug)]
pub enum Edges {
    /// The toolkit's directed edges (`source,target,weight`).
    Cnt(Vec<DirectedEdge>),
    /// lockstep's undirected pairs with their statistics.
    Native(Vec<PairStats>),
    /// CooRTweet's undirected edges, with its weight threshold.
    Coortweet(CoortweetNetwork),
}

impl Edges {
    /// Number of edges.
    pub fn len(&self) -> usize {
        match self {
            Edges::Cnt(e) => e.len(),
            Edges::Native(e) => e.len(),
            Edges::Coortweet(n) => n.edges.len(),
        }
    }

    /// True without an edge.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A behaviour's trace, ready to give its network: [`network`] makes it.
pub struct Network<'t> {
    table: &'t PostTable,
    config: NetworkConfig,
    trace: Trace,
    /// The toolkit's co-similar compares token sets of every pair in the window.
    similar: Option<CntTokenSets>,
}

/// Prepare `config`'s network on `table`: the behaviour's trace under the semantics
/// (co-similar: near-duplicate templates, or the toolkit's token sets). A behaviour with
/// nothing to work on gives an empty network, with a warning on stderr that names what
/// the input lacks.
pub fn network<'t>(table: &'t PostTable, config: &NetworkConfig) -> Result<Network<'t>> {
    config.validate()?;
    let (trace, similar) = if config.behaviour == Behaviour::CoSimilar {
        co_similar(table, config)
    } else {
        let trace = extract(table, config.behaviour, config.semantics)
            .map_err(|e| Error::usage(anyhow!(e)))?;
        (trace, None)
    };
    if trace.is_empty() {
        eprintln!(
            "lockstep: warning: {}",
            lockstep_traces::nothing_to_work_on(table, config.behaviour, "--behaviour")
        );
    }
    Ok(Network {
        table,
        config: config.clone(),
        trace,
        similar,
    })
}

/// co-similar comes from lockstep-similar: under native (and CooRTweet) semantics the
/// object of a post is its message template; under the toolkit's semantics every pair of
/// non-reposts in the window is compared with its Jaccard of word-token sets, so the trace
/// has one object and the token sets give the pair predicate.
fn co_similar(table: &PostTable, config: &NetworkConfig) -> (Trace, Option<CntTokenSets>) {
    use lockstep_similar::cnt as scnt;
    let threshold = config.similarity.unwrap_or(match config.semantics {
        Semantics::Cnt => scnt::CNT_DEFAULT_THRESHOLD,
        _ => lockstep_similar::DEFAULT_THRESHOLD,
    });
    if config.semantics == Semantics::Cnt {
        let sets = CntTokenSets::new(table, threshold, scnt::CNT_DEFAULT_MIN_TOKENS);
        return (scnt::cnt_trace(table), Some(sets));
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
    (lockstep_similar::co_similar_trace(table, &templates), None)
}

impl Network<'_> {
    /// The configuration it was made with.
    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }

    /// The post table: edges' account indices point into it.
    pub fn posts(&self) -> &PostTable {
        self.table
    }

    /// The name the edges carry in `edge_type`: the toolkit's name under its semantics.
    pub fn edge_type(&self) -> &'static str {
        let b = self.config.behaviour;
        match self.config.semantics {
            Semantics::Cnt => b.cnt_name().unwrap_or(b.name()),
            _ => b.name(),
        }
    }

    /// The extra columns after `source,target,weight,edge_type` under this semantics.
    pub fn extra_columns(&self) -> &'static [&'static str] {
        match self.config.semantics {
            Semantics::Cnt => &[],
            Semantics::Native => &PAIR_STATS_COLUMNS,
            Semantics::Coortweet => &["avg_time_delta", "weight_threshold"],
        }
    }

    /// Stream the native or toolkit edges to `emit`, chunk by chunk, in output order.
    fn each_edge(&self, emit: &mut dyn FnMut(EdgeRef<'_>)) {
        let (table, trace, params) = (self.table, &self.trace, &self.config.params);
        match self.config.semantics {
            Semantics::Cnt => {
                let mut f =
                    |edges: &[DirectedEdge]| edges.iter().for_each(|e| emit(EdgeRef::Cnt(e)));
                match &self.similar {
                    Some(sets) => {
                        lockstep_similar::cnt::cnt_network(table, trace, sets, params, &mut f)
                    }
                    None => cnt::network(table, trace, params, &mut f),
                }
            }
            Semantics::Native => native::network(table, trace, params, |edges| {
                edges.iter().for_each(|e| emit(EdgeRef::Native(e)))
            }),
            Semantics::Coortweet => {
                // CooRTweet's weight threshold is a quantile over all edges: whole only.
                let net = coortweet::network(table, trace, params);
                emit(EdgeRef::Coortweet(&net));
            }
        }
    }

    /// Every edge, in memory, in the order [`Network::write_csv`] writes them.
    pub fn edges(&self) -> Edges {
        let mut out = match self.config.semantics {
            Semantics::Cnt => Edges::Cnt(Vec::new()),
            Semantics::Native => Edges::Native(Vec::new()),
            Semantics::Coortweet => Edges::Coortweet(CoortweetNetwork::default()),
        };
        self.each_edge(&mut |e| match (&mut out, e) {
            (Edges::Cnt(v), EdgeRef::Cnt(e)) => v.push(*e),
            (Edges::Native(v), EdgeRef::Native(e)) => v.push(*e),
            (Edges::Coortweet(n), EdgeRef::Coortweet(net)) => *n = net.clone(),
            _ => {}
        });
        out
    }

    /// Write the network as CSV (`source,target,weight,edge_type` and the semantics'
    /// columns), streaming: the edges never sit in memory. Returns the number of edges.
    pub fn write_csv(&self, out: &mut dyn Write) -> Result<u64> {
        let table = self.table;
        let mut w = EdgeWriter::new(out, table, self.extra_columns())?;
        let edge_type = self.edge_type();
        let mut err = None;
        let mut coortweet = None;
        self.each_edge(&mut |e| {
            if err.is_some() {
                return;
            }
            let r = match e {
                EdgeRef::Cnt(e) => w.row(e.source, e.target, e.weight, edge_type, &[]),
                EdgeRef::Native(e) => {
                    w.row(e.a, e.b, e.co_actions, edge_type, &pair_stats_values(e))
                }
                EdgeRef::Coortweet(net) => {
                    coortweet = Some((net.vertices, net.edges.len(), net.threshold));
                    net.edges.iter().try_for_each(|e| {
                        w.row(
                            e.a,
                            e.b,
                            e.weight,
                            edge_type,
                            &[Value::F(e.avg_time_delta), Value::B(e.weight_threshold)],
                        )
                    })
                }
            };
            if let Err(x) = r {
                err = Some(x);
            }
        });
        if let Some(e) = err {
            return Err(e.into());
        }
        if let Some((vertices, edges, threshold)) = coortweet {
            eprintln!(
                "lockstep: CooRTweet network: {vertices} vertices, {edges} edges, weight threshold {threshold} (quantile {})",
                self.config.params.edge_weight_quantile
            );
        }
        Ok(w.finish()?)
    }

    /// Write every co-action of the trace in the window as evidence CSV (header first).
    /// Under the toolkit's semantics, times that are not whole seconds are compared on its
    /// clock; a pair is evidence if either side's test accepts it. Returns the rows.
    pub fn write_evidence(&self, out: &mut dyn Write) -> Result<u64> {
        let (table, trace, window_ms) = (self.table, &self.trace, self.config.params.window_ms);
        let clock = (self.config.semantics == Semantics::Cnt)
            .then(|| cnt::PeerClock::new(table, trace, window_ms))
            .flatten();
        let sweep_ms = clock
            .as_ref()
            .map_or(window_ms, |c| c.sweep_window_ms(window_ms));
        let similar = &self.similar;
        let keep = |x: &Event, y: &Event| {
            if let Some(c) = &clock {
                if !(c.within(x, y) || c.within(y, x)) {
                    return None;
                }
            }
            match similar {
                Some(sets) => sets.matches(x.post, y.post).then_some(0),
                None => Some(0),
            }
        };
        Ok(evidence::write_evidence(
            table, trace, sweep_ms, &keep, None, out, true,
        )?)
    }
}

/// One edge (or CooRTweet's whole network) as the builders hand it over.
enum EdgeRef<'a> {
    Cnt(&'a DirectedEdge),
    Native(&'a PairStats),
    Coortweet(&'a CoortweetNetwork),
}
