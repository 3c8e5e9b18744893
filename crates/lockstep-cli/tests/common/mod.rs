//! Helpers shared by the integration tests: running the binary, the peer oracle and the
//! real samples in `tests/data`. (The `lockstep serve` tests and their harness live in
//! crates/lockstep-serve/tests.)
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// Run the lockstep binary.
pub fn lockstep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .args(args)
        .output()
        .expect("running lockstep")
}

/// Run the lockstep binary named by `LOCKSTEP_BIN` when set (`./scripts/test.sh` sets it to
/// the release build: tests that run many analyses would cost minutes of CI in a debug
/// build), else this build's binary; insist on success.
pub fn lockstep_release_ok(args: &[&str]) -> Output {
    let out = match std::env::var_os("LOCKSTEP_BIN") {
        Some(bin) => Command::new(bin)
            .args(args)
            .output()
            .expect("running LOCKSTEP_BIN"),
        None => lockstep(args),
    };
    assert!(
        out.status.success(),
        "lockstep {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The Python with networkx, DuckDB, stix2 and stix2-validator: `LOCKSTEP_REPORT_PYTHON`,
/// else `.venv-report/bin/python`, which `scripts/setup-report-tests.sh` creates. Missing is
/// a failure, never a skip.
pub fn report_python() -> PathBuf {
    let p = std::env::var_os("LOCKSTEP_REPORT_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv-report/bin/python"));
    assert!(
        p.exists(),
        "Python with networkx, duckdb, stix2 and stix2-validator is not installed at {}: run \
         ./scripts/setup-report-tests.sh (./scripts/test.sh does), or set LOCKSTEP_REPORT_PYTHON",
        p.display()
    );
    p
}

/// Run a checker of `tests/exports` (`script`) on an output directory with
/// [`report_python`]; insist on success and return the JSON it prints.
pub fn python_check(script: &str, dir: &Path) -> serde_json::Value {
    let out = Command::new(report_python())
        .arg(repo().join("tests/exports").join(script))
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("running tests/exports/{script}: {e}"));
    assert!(
        out.status.success(),
        "tests/exports/{script} failed on {}:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("tests/exports/{script} prints no JSON: {e}"))
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

/// Run `lockstep generate` into `dir/data` and return that folder.
pub fn generate(dir: &Path, scenario: &str, seed: &str, scale: &str) -> PathBuf {
    let data = dir.join("data");
    lockstep_ok(&[
        "generate",
        "--scenario",
        scenario,
        "--seed",
        seed,
        "--scale",
        scale,
        "--out",
        data.to_str().unwrap(),
    ]);
    data
}

/// Run `lockstep analyze` on `input` into `out`, `extra` flags after them; insist on success.
pub fn analyze(input: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "analyze",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    lockstep_ok(&args);
}

/// The `basic` scenario at scale 0.3 generated into `dir/data` and analysed into `dir/out`:
/// the usual fixture of the analyze and export tests. Returns `(data, out)`.
pub fn analyze_basic(dir: &Path, seed: &str) -> (PathBuf, PathBuf) {
    let data = generate(dir, "basic", seed, "0.3");
    let out = dir.join("out");
    analyze(&data.join("posts.csv"), &out, &[]);
    (data, out)
}

/// A CSV writer at `path` that has written the toolkit's header (the layout of the
/// generator's `posts.csv`), for hand-made `cnt-csv` inputs.
pub fn cnt_writer(path: &Path) -> csv::Writer<std::fs::File> {
    let mut w = csv::Writer::from_path(path).expect("create cnt csv");
    w.write_record(lockstep_generate::CSV_HEADER)
        .expect("cnt header");
    w
}

/// A CSV file's header and its rows keyed by column name.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

/// A JSON file, parsed.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
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
    run_cnt_with(
        &[input],
        out,
        &[
            "--format",
            format,
            "--networks",
            networks,
            "--windows",
            windows,
            "--min-weights",
            min_weights,
        ],
    );
}

/// Run tests/peer/cnt_networks.py on `inputs` into `out` with `args` (its options).
pub fn run_cnt_with(inputs: &[&Path], out: &Path, args: &[&str]) {
    let status = Command::new(peer_python())
        .arg(repo().join("tests/peer/cnt_networks.py"))
        .args(args)
        .arg("--out")
        .arg(out)
        .args(inputs)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("running the peer oracle");
    assert!(
        status.success(),
        "coordination-network-toolkit failed on {inputs:?} with {args:?}"
    );
}

/// Write `rows` (the toolkit's eight columns) as its CSV at `path`.
pub fn write_cnt_csv<R, F>(path: &Path, rows: impl IntoIterator<Item = R>)
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut w = cnt_writer(path);
    for r in rows {
        w.write_record(r).expect("cnt row");
    }
    w.flush().expect("flush cnt csv");
}

/// The accounts that appear in an edge CSV (its nodes).
pub fn nodes_of(path: &Path) -> BTreeSet<String> {
    edge_set(path)
        .into_iter()
        .flat_map(|(s, t, _)| [s, t])
        .collect()
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

/// Indices of the named columns in `header`, in the order named.
pub fn columns<const N: usize>(header: &[String], names: [&str; N]) -> [usize; N] {
    names.map(|n| {
        header
            .iter()
            .position(|c| c == n)
            .unwrap_or_else(|| panic!("no column {n}"))
    })
}

/// Read a gzip CSV from `tests/data`: its header and rows.
pub fn read_gz_csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let f = std::fs::File::open(test_data(name)).expect("open");
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
