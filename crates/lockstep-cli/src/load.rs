//! Reading the command line's inputs into a post table (lockstep-analyze's reader).

use crate::cli::InputArgs;
use crate::error::CliResult;
use lockstep_analyze::input::Loaded;
use std::path::PathBuf;

/// Read every input named on the command line; see [`lockstep_analyze::input::load`].
pub fn load(args: &InputArgs, quarantine: Option<PathBuf>) -> CliResult<Loaded> {
    lockstep_analyze::input::load(&args.options(), quarantine)
}
