//! Helpers shared by the integration tests: running the binary, the peer oracle and the
//! shared real datasets; `serve` is the harness of the `lockstep serve` tests.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod serve;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `shared/data` beside the repository (read-only real samples).
pub fn shared_data(name: &str) -> PathBuf {
    let p = repo().join("../shared/data").join(name);
    assert!(
        p.exists(),
        "missing shared dataset {} (shared/ must sit beside the repository)",
        p.display()
    );
    p
}

/// Run the lockstep binary.
pub fn lockstep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .args(args)
        .output()
        .expect("running lockstep")
}

/// Run the lockstep binary and insist on success.
pub fn lockstep_ok(args: &[&str]) -> Output {
    let out = lockstep(args);
    assert!(
        out.status.success(),
        "lockstep {:?} failed ({}):\n{}",
        args,
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The Python that has coordination-network-toolkit 1.5.2: `LOCKSTEP_PEER_PYTHON`, else the
/// virtualenv the test command creates. Missing is a failure, never a skip.
pub fn peer_python() -> PathBuf {
    let p = std::env::var_os("LOCKSTEP_PEER_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv-peer/bin/python"));
    assert!(
        p.exists(),
        "the peer oracle (coordination-network-toolkit 1.5.2) is not installed at {}: run ./scripts/test.sh, \
         which creates it, or set LOCKSTEP_PEER_PYTHON",
        p.display()
    );
    p
}

/// Run the toolkit through tests/peer/cnt_networks.py.
pub fn run_cnt(
    input: &Path,
    out: &Path,
    networks: &str,
    windows: &str,
    min_weights: &str,
    format: &str,
) {
    let status = Command::new(peer_python())
        .arg(repo().join("tests/peer/cnt_networks.py"))
        .args([
            "--format",
            format,
            "--networks",
            networks,
            "--windows",
            windows,
            "--min-weights",
            min_weights,
        ])
        .arg("--out")
        .arg(out)
        .arg(input)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("running the peer oracle");
    assert!(
        status.success(),
        "coordination-network-toolkit failed on {}",
        input.display()
    );
}

/// `(source, target, weight)` rows of an edge CSV.
pub fn edge_set(path: &Path) -> BTreeSet<(String, String, u64)> {
    let mut r = csv::Reader::from_path(path).expect("edge csv");
    r.records()
        .map(|rec| {
            let rec = rec.expect("edge row");
            (
                rec[0].to_string(),
                rec[1].to_string(),
                rec[2].parse().expect("weight"),
            )
        })
        .collect()
}

/// Read a gzip CSV from shared/data as header-keyed rows.
pub fn read_gz_csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let f = std::fs::File::open(shared_data(name)).expect("open");
    let mut r = csv::Reader::from_reader(flate2::read::GzDecoder::new(f));
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}
