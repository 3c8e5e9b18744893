//! Helpers shared by the `lockstep serve` integration tests: the repository's paths, the
//! release binary (`LOCKSTEP_BIN`) and `serve`, the harness that runs the server as a
//! child process.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

pub mod serve;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A real sample in the repository's `tests/data` (see its README for sources and licences).
pub fn test_data(name: &str) -> PathBuf {
    let p = repo().join("tests/data").join(name);
    assert!(p.exists(), "missing sample {}", p.display());
    p
}

/// Run the lockstep binary ([`serve::bin`]) and insist on success.
pub fn lockstep_ok(args: &[&str]) -> Output {
    let out = std::process::Command::new(serve::bin())
        .args(args)
        .output()
        .expect("running lockstep");
    assert!(
        out.status.success(),
        "lockstep {:?} failed ({}):\n{}",
        args,
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
