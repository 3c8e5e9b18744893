//! The analysis with each behaviour's significant edges found elsewhere: the distributed
//! significance stage (lockstep-dist, driven by the Python package's Spark job) tests the
//! pairs on a cluster, and fusion, communities, evidence, signals and narratives run here
//! as in [`crate::analyze`].

use crate::analysis::{Analysis, Posts};
use crate::config::AnalyzeConfig;
use crate::error::Result;
use crate::pipeline::{compute_detecting, Run};
use lockstep_campaigns::{detect_from, BehaviourEdges};
use lockstep_model::PostTable;

/// [`crate::analyze_with`] with `edges` standing for the pair test: one
/// [`BehaviourEdges`] per trace of [`crate::traces`], in its order (the same behaviours,
/// or the run fails).
pub fn analyze_with_edges<'t>(
    table: &'t PostTable,
    config: &AnalyzeConfig,
    run: Run<'_>,
    edges: Vec<BehaviourEdges>,
) -> Result<Analysis<'t>> {
    let find = Box::new(
        move |table: &PostTable, traces: &[(lockstep_traces::Trace, Vec<i64>)], params: &_| {
            let given: Vec<_> = edges.iter().map(|b| b.behaviour).collect();
            let wanted: Vec<_> = traces.iter().map(|(t, _)| t.behaviour).collect();
            if given != wanted {
                return Err(format!(
                    "significant edges given for {given:?}, but the analysis tests {wanted:?}"
                ));
            }
            detect_from(table, traces, edges, params)
        },
    );
    compute_detecting(table, config, run, find).map(|p| p.into_analysis(Posts::Borrowed(table)))
}
