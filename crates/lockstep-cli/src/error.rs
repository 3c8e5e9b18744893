//! Errors of the subcommands: the library's, which carry the exit code the command-line
//! contract gives them (2 for bad usage or unreadable input, 1 for internal failures).

pub use lockstep_analyze::Error as CliError;

/// Result of a subcommand.
pub type CliResult<T = ()> = lockstep_analyze::Result<T>;
