//! `lockstep serve`: the command line's options over the config file, then the live
//! service (lockstep-serve), which runs lockstep-analyze's pipeline on every refresh.

use crate::cli::ServeArgs;
use crate::error::{CliError, CliResult};
use lockstep_serve::config::Config;

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
    // The watch terms, references and seed accounts are read once, failing fast on a bad
    // file (exit 2).
    let analysis = lockstep_serve::analysis_config(&config)?;
    lockstep_serve::run(config, analysis)?;
    Ok(())
}
