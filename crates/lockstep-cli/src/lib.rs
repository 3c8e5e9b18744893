//! The `lockstep` command line as a library: [`main_from`] runs a whole command line (the
//! binary and the Python package's `lockstep` command call it), and [`analyze_with`] /
//! [`network_with`] run `analyze` and `network` on posts read by the caller (the Python
//! package hands over Arrow tables), with the same options, checks and messages;
//! [`analyze_config`] / [`network_configs`] turn their options into lockstep-analyze's
//! configurations for a caller that runs the library itself.

pub mod cli;
mod cmd_analyze;
mod cmd_demo;
mod cmd_eval;
mod cmd_generate;
mod cmd_network;
mod cmd_report;
mod cmd_serve;
mod error;
mod load;

use clap::Parser;
pub use cmd_analyze::{config as analyze_config, run_with as analyze_with};
pub use cmd_network::{configs as network_configs, run_with as network_with};
pub use error::{CliError, CliResult};
use std::ffi::OsString;
use std::process::ExitCode;

/// Run one command line (`args` starts with the program name) and return its exit code:
/// 0, 2 for bad usage or unreadable input, 1 for a failed run. Errors are printed as
/// `lockstep: MESSAGE` on stderr; `--help` and bad arguments exit as clap does.
pub fn main_from<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    ExitCode::from(run_from(args))
}

/// [`main_from`] with the exit code as a number.
pub fn run_from<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = cli::Cli::parse_from(args);
    if let Some(n) = args.threads {
        // A second build of the global pool can only fail if one exists already.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let result = match args.command {
        cli::Command::Analyze(a) => cmd_analyze::run(a),
        cli::Command::Network(a) => cmd_network::run(a),
        cli::Command::Generate(a) => cmd_generate::run(a),
        cli::Command::Eval(a) => cmd_eval::run(a),
        cli::Command::Demo(a) => cmd_demo::run(a),
        cli::Command::Report(a) => cmd_report::run(a),
        cli::Command::Serve(a) => cmd_serve::run(a),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("lockstep: {e:#}");
            e.exit_code()
        }
    }
}
