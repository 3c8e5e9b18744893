//! lockstep's pipeline as a library: what `lockstep analyze` does, for any front end (the
//! command line, the live service, the Python package and the Spark job to come).
//!
//! - [`config`]: the typed configuration ([`AnalyzeConfig`]: one [`Window`] or the
//!   defaults, the behaviours, detection parameters, and the narratives stage's inputs
//!   read by [`NarrativeInputs::load`]), built once by the front end and validated there.
//! - [`input`]: reading files or directories in any format lockstep reads into a post
//!   table ([`input::load`]), with bad records quarantined.
//! - [`analyze`]: every behaviour the data supports, tested against the null model, fused
//!   and grouped into campaigns, with evidence, signals, narratives and echo, written as
//!   every file `lockstep analyze` writes (report.html and, with [`Outputs::All`], the
//!   Parquet copies); [`run`] does the same and returns the typed results ([`Analysis`]:
//!   the documents of campaigns.json and summary.json, types of lockstep-output's
//!   [`schema`]).
//!
//! Errors say whether the caller is at fault ([`Error::is_usage`]: bad options, unreadable
//! input) or the run failed.

pub mod config;
pub mod error;
pub mod input;
mod narratives;
mod pipeline;
mod precision;

pub use config::{parse_behaviours, AnalyzeConfig, NarrativeInputs, Window};
pub use error::{Error, Result};
pub use lockstep_campaigns::DetectParams;
pub use lockstep_narratives::{watch_terms, NarrativeOptions};
pub use lockstep_output::schema;
pub use pipeline::{analyze, pair_stats_values, run, Analysis, Outputs, Timer, PAIR_STATS_COLUMNS};
