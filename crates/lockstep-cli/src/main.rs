//! `lockstep`: finds accounts that act in lockstep in social-media data.
//!
//! This binary only hands its command line to the library ([`lockstep_cli::main_from`]);
//! each subcommand lives in its own module there.

use std::process::ExitCode;

fn main() -> ExitCode {
    lockstep_cli::main_from(std::env::args_os())
}
