//! The typed configuration of an analysis, built once by a front end (the command line,
//! the live service, a Python package) and validated there: durations parsed, behaviours
//! named, watch terms, reference articles and seed accounts read.

use crate::error::{Error, Result};
use anyhow::{anyhow, Context};
use lockstep_campaigns::DetectParams;
pub use lockstep_model::Window;
use lockstep_narratives::{load_references, load_seeds, parse_watch, NarrativeOptions};
use lockstep_traces::Behaviour;
use std::path::Path;

/// Parse the co-action window (`--window`); a bad one is a usage error with the parser's
/// message.
pub fn parse_window(s: &str) -> Result<Window> {
    Window::parse(s).map_err(|e| Error::usage(anyhow!(e)))
}

/// Parse a comma-separated list of behaviour names (empty items ignored).
pub fn parse_behaviours(list: &str) -> Result<Vec<Behaviour>> {
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.parse::<Behaviour>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::usage(anyhow!(e)))
}

/// The narratives stage's options with its input files read, and the warnings reading them
/// gave (unreadable reference lines, which are skipped).
#[derive(Clone, Debug, Default)]
pub struct NarrativeInputs {
    /// Options, with watch terms, references and seed accounts.
    pub options: NarrativeOptions,
    /// Warnings from reading the files.
    pub warnings: Vec<String>,
}

impl NarrativeInputs {
    /// Read the watch terms (`--watch`: comma-separated, or `@FILE` with one per line), the
    /// reference articles and the seed accounts. A missing, unreadable or empty file, or a
    /// watch list without a term, is a usage error.
    pub fn load(
        watch: Option<&str>,
        reference: Option<&Path>,
        seed_accounts: Option<&Path>,
    ) -> Result<NarrativeInputs> {
        let mut o = NarrativeOptions::default();
        let mut warnings = Vec::new();
        if let Some(w) = watch {
            o.watch = parse_watch(w)
                .with_context(|| format!("reading --watch {w}"))
                .map_err(Error::usage)?;
            if o.watch.is_empty() {
                return Err(Error::usage(anyhow!("--watch {w}: no term")));
            }
        }
        if let Some(path) = reference {
            let (refs, warn) = load_references(path).map_err(|e| Error::usage(anyhow!(e)))?;
            o.references = refs;
            warnings.extend(warn);
        }
        if let Some(path) = seed_accounts {
            o.seeds = load_seeds(path).map_err(|e| Error::usage(anyhow!(e)))?;
        }
        Ok(NarrativeInputs {
            options: o,
            warnings,
        })
    }
}

/// Everything an analysis runs with; the default is `lockstep analyze`'s.
#[derive(Clone, Debug, Default)]
pub struct AnalyzeConfig {
    /// One window for every behaviour, else each behaviour's defaults (60 s and 15 min).
    pub window: Option<Window>,
    /// Behaviours to run, else every behaviour the data supports.
    pub behaviours: Option<Vec<Behaviour>>,
    /// Significance, community and campaign thresholds.
    pub detection: DetectParams,
    /// Watch terms, references and seed accounts for the narratives stage.
    pub narratives: NarrativeInputs,
}

impl AnalyzeConfig {
    /// Check the numbers a front end may have set out of range (a usage error).
    pub fn validate(&self) -> Result<()> {
        Self::check_detection(&self.detection)
    }

    /// Check detection parameters: the false discovery rate must be in (0, 1).
    pub fn check_detection(d: &DetectParams) -> Result<()> {
        if !(d.alpha > 0.0 && d.alpha < 1.0) {
            return Err(Error::usage(anyhow!("--alpha must be between 0 and 1")));
        }
        Ok(())
    }
}
