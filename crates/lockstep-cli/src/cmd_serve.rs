//! `lockstep serve`: the live service (lockstep-serve), with `analyze`'s pipeline as the
//! analysis each refresh runs.

use crate::cli::{AnalyzeArgs, InputArgs, ServeArgs};
use crate::cmd_analyze::{analyze_table, Outputs, Timer};
use crate::error::{CliError, CliResult};
use anyhow::anyhow;
use lockstep_ingest::IngestReport;
use lockstep_model::PostTable;
use lockstep_serve::config::Config;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// `analyze` with the service's settings, watch terms, references and seed accounts.
struct LiveAnalyzer {
    /// The arguments of every refresh but its output directory.
    args: AnalyzeArgs,
    /// The watch terms, references and seed accounts, read once.
    narratives: crate::narratives::Prepared,
}

/// `analyze`'s defaults, with what the config sets.
fn live_args(config: &Config) -> AnalyzeArgs {
    AnalyzeArgs {
        input: InputArgs {
            inputs: Vec::new(),
            format: "auto".into(),
            strict: false,
            map: Vec::new(),
            time_format: None,
            time_zone: None,
            platform: None,
            delimiter: None,
            max_record_mib: 64,
        },
        out: PathBuf::new(),
        window: None,
        behaviours: None,
        alpha: config.detection.alpha,
        min_co_actions: 2,
        min_campaign_size: 3,
        min_campaign_score: 0.1,
        min_exclusivity: 0.8,
        reference: config.alerts.references.clone(),
        seed_accounts: config.alerts.seed_accounts.clone(),
        // The config's terms are a list: they go straight to the options (see `run`), never
        // through `--watch`'s comma-separated spelling, so a term may contain a comma.
        watch: None,
    }
}

impl lockstep_serve::Analyzer for LiveAnalyzer {
    fn analyze(&self, table: &PostTable, out: &Path) -> anyhow::Result<()> {
        let a = AnalyzeArgs {
            out: out.to_path_buf(),
            ..self.args.clone()
        };
        let report = IngestReport::default();
        analyze_table(
            &a,
            &self.narratives,
            table,
            &report,
            Outputs::Live,
            (Instant::now(), Timer::start()),
        )
        .map_err(|e| anyhow!("{e:#}"))
    }
}

pub fn run(a: ServeArgs) -> CliResult {
    let mut config = match &a.config {
        Some(path) => Config::from_file(path).map_err(CliError::usage)?,
        None => Config::default(),
    };
    if let Some(db) = a.db {
        config.db = db;
    }
    if let Some(bind) = a.bind {
        config.bind = bind;
    }
    if let Some(t) = a.token.or_else(|| std::env::var("LOCKSTEP_TOKEN").ok()) {
        config.token = Some(t);
    }
    if let Some(j) = a.jetstream {
        config.jetstream = Some(j);
    }
    if let Some(d) = a.watch_dir {
        config.watch_dir = Some(d);
    }
    config.resolve().map_err(CliError::usage)?;
    // Read the watch terms, references and seed accounts once, failing fast on a bad file.
    let args = live_args(&config);
    let mut narratives = crate::narratives::options(&args)?;
    narratives.options.watch = lockstep_narratives::watch_terms(&config.alerts.watch);
    if narratives.options.watch.is_empty() && !config.alerts.watch.is_empty() {
        return Err(CliError::usage(anyhow!("alerts.watch: no term")));
    }
    let analyzer = LiveAnalyzer { args, narratives };
    lockstep_serve::run(config, Arc::new(analyzer))?;
    Ok(())
}
