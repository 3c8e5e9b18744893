//! Account co-action networks.
//!
//! Three sets of rules share one kernel sweep:
//! - [`native`]: lockstep's undirected edges with the statistics analysts need
//!   (co-actions, distinct posts on each side, distinct objects, min and mean `|dt|`, who
//!   acted first);
//! - [`cnt`]: coordination-network-toolkit 1.5.2's directed edges, exactly;
//! - [`coortweet`]: CooRTweet 2.1's `detect_groups` + `generate_coordinated_network`.
//!
//! Pair statistics for [`native`] and [`cnt`] are computed one source account at a time
//! over the kernel's [`lockstep_kernel::Neighbourhoods`], so no global pair map exists:
//! memory is the trace plus a scratch per thread, and edges stream out in order.

pub mod cnt;
pub mod coortweet;
pub mod evidence;
pub mod native;
mod pairs;
mod write;

pub use pairs::{pair_key, pair_of};
pub use write::{EdgeWriter, Value};

use lockstep_model::PostTable;
use lockstep_traces::Trace;

/// Parameters shared by every semantics.
#[derive(Clone, Debug)]
pub struct NetworkParams {
    /// Window in milliseconds, inclusive.
    pub window_ms: i64,
    /// Edges lighter than this are dropped.
    pub min_weight: u64,
    /// CooRTweet: minimum participation.
    pub min_participation: u64,
    /// CooRTweet: quantile of edge weights above which an edge is flagged.
    pub edge_weight_quantile: f64,
    /// The peers' graphs with loops: an account co-acting with itself. [`cnt`]: the
    /// toolkit's export with `--include_self_loops`; [`coortweet`]: `detect_groups` with
    /// `remove_loops = FALSE`. Off by default, as in both peers.
    pub self_loops: bool,
}

impl Default for NetworkParams {
    fn default() -> Self {
        Self {
            window_ms: 60_000,
            min_weight: 1,
            min_participation: 2,
            edge_weight_quantile: 0.5,
            self_loops: false,
        }
    }
}

/// Count of trace events per account (rows, for the long format).
pub(crate) fn events_per_account(table: &PostTable, trace: &Trace) -> Vec<u64> {
    let mut n = vec![0u64; table.account_count()];
    for e in &trace.events {
        n[e.account as usize] += 1;
    }
    n
}
