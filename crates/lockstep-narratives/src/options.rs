//! What the narratives stage can be asked to do: bins, term and burst parameters, watch
//! terms, reference articles and seed accounts.

use crate::burst::BurstParams;
use crate::echo::{EchoParams, Reference};
use crate::narrative::TermParams;
use crate::refine::RefineParams;
use crate::seeds::SeedAccount;
use serde::Serialize;

/// Everything [`crate::analyze_narratives`] can be asked to do.
#[derive(Clone, Debug, Serialize)]
pub struct NarrativeOptions {
    /// Width of a time bin, ms (default one hour).
    pub bin_ms: i64,
    /// Most bins; longer data get wider bins (default 20,000).
    pub max_bins: usize,
    /// Similarity threshold the templates were made with (for partial copies).
    pub template_threshold: f64,
    /// Splitting partial copies off templates.
    pub refine: RefineParams,
    /// Term extraction and grouping.
    pub terms: TermParams,
    /// Burst detection.
    pub burst: BurstParams,
    /// Echo of references by text and link.
    pub echo: EchoParams,
    /// Terms listed per narrative (default 10).
    pub top_terms: usize,
    /// Example posts per narrative (default 3).
    pub examples: usize,
    /// Accounts listed per group (default 10).
    pub top_accounts: usize,
    /// Narratives (largest first) that get a series, bursts and a place in
    /// `timeseries_narratives.csv` (default 500).
    pub series_limit: usize,
    /// Narratives (largest first) listed with examples and accounts; the others are listed
    /// with their terms and counts only (default 5,000).
    pub detail_limit: usize,
    /// A link posted after a seed posted it counts as amplification within this, ms
    /// (default 24 h).
    pub link_window_ms: i64,
    /// Watch terms.
    pub watch: Vec<String>,
    /// Reference articles.
    #[serde(skip)]
    pub references: Vec<Reference>,
    /// Seed accounts.
    #[serde(skip)]
    pub seeds: Vec<SeedAccount>,
}

impl Default for NarrativeOptions {
    fn default() -> Self {
        Self {
            bin_ms: 3_600_000,
            max_bins: 20_000,
            template_threshold: lockstep_similar::DEFAULT_THRESHOLD,
            refine: RefineParams::default(),
            terms: TermParams::default(),
            burst: BurstParams::default(),
            echo: EchoParams::default(),
            top_terms: 10,
            examples: 3,
            top_accounts: 10,
            series_limit: 500,
            detail_limit: 5_000,
            link_window_ms: 24 * 3_600_000,
            watch: Vec::new(),
            references: Vec::new(),
            seeds: Vec::new(),
        }
    }
}
