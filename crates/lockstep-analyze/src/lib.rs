//! lockstep's pipeline as a library: what `lockstep analyze` and `lockstep network` do,
//! for any front end (the command line, the live service, the Python package, the Spark
//! job).
//!
//! - [`config`]: the typed configuration ([`AnalyzeConfig`]: one [`Window`] or the
//!   defaults, the behaviours, detection parameters, and the narratives stage's inputs
//!   read by [`NarrativeInputs::load`]), built once by the front end and validated there.
//! - [`input`]: reading files or directories in any format lockstep reads into a post
//!   table ([`input::load`]), with bad records quarantined.
//! - [`analyze`]: every behaviour the data supports, tested against the null model, fused
//!   and grouped into campaigns, with evidence, signals, narratives and echo, computed in
//!   memory and returned as an [`Analysis`]: typed documents (campaigns, summary,
//!   narratives, echo: lockstep-output's [`schema`]) and rows (accounts, edges, evidence)
//!   that point into the post table. [`analyze_with`] adds what came before the run (how
//!   the posts were read), a progress callback and a cancel flag ([`Run`]).
//! - [`analyze_with_edges`]: the same from each behaviour's significant edges found
//!   elsewhere (the distributed significance stage, lockstep-dist and `lockstep.spark`),
//!   starting from the [`traces()`] an analysis tests.
//! - [`Analysis::write`]: every file `lockstep analyze` writes (report.html and the
//!   Parquet copies included), from the analysis in memory.
//! - [`tables`]: the CSV outputs as typed tables (columns, kinds, cells with the files'
//!   values), for callers that hand results on as Arrow or Spark rows.
//! - [`memory`]: with `LOCKSTEP_MEMORY=1`, the post table's parts by size and each
//!   stage's peak resident memory, printed to stderr (measurements only).
//! - [`network()`]: one behaviour's account network under lockstep's, the toolkit's or
//!   CooRTweet's semantics (`lockstep network`), streamed to CSV or collected in memory.
//!
//! ```text
//! input::load(files) -> Loaded { table, report }
//! analyze(&table, &config) -> Analysis      (nothing written)
//! analysis.write(dir)                       (the files of `lockstep analyze`)
//! ```
//!
//! Errors say whether the caller is at fault ([`Error::is_usage`]: bad options, unreadable
//! input), stopped the run ([`Error::is_cancelled`]) or the run failed.

mod analysis;
pub mod config;
pub mod error;
pub mod input;
pub mod memory;
mod narratives;
pub mod network;
mod pipeline;
mod precision;
mod precomputed;
pub mod tables;
mod write;

pub use analysis::{AccountRow, Analysis, EdgeRow, EvidenceRow};
pub use config::{parse_behaviours, parse_window, AnalyzeConfig, NarrativeInputs, Window};
pub use error::{Error, Result};
pub use lockstep_campaigns::DetectParams;
pub use lockstep_narratives::{watch_terms, NarrativeOptions};
pub use lockstep_networks::NetworkParams;
pub use lockstep_output::{schema, AttrValue, Graph};
pub use lockstep_traces::{Behaviour, Semantics};
pub use network::{network, Edges, Network, NetworkConfig};
pub use pipeline::{
    analyze, analyze_shared, analyze_with, pair_stats_values, traces, Outputs, Progress,
    ProgressFn, Run, Timer, Traces, PAIR_STATS_COLUMNS, STAGES,
};
pub use precomputed::analyze_with_edges;
