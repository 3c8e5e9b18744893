//! `lockstep`: finds accounts that act in lockstep in social-media data.
//!
//! This binary only parses the command line and hands over to the library crates; each
//! subcommand lives in its own module.

mod cli;
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
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
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
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lockstep: {e:#}");
            ExitCode::from(e.exit_code())
        }
    }
}
