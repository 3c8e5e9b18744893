//! Helpers shared by the integration tests.
#![allow(dead_code)]

use lockstep_ingest::{format_by_name, Ingest, IngestOptions, IngestReport, InputFile, PostTable};
use std::path::PathBuf;

/// A real sample in the repository's `tests/data` (see its README for sources and licences).
pub fn test_data(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(name);
    assert!(p.exists(), "missing sample {}", p.display());
    p
}

/// Read a file with detection (format None) or a named format.
pub fn load_file(
    path: &std::path::Path,
    format: Option<&str>,
    opts: IngestOptions,
) -> (PostTable, IngestReport) {
    let mut ingest = Ingest::new(opts);
    let f = format.map(|n| format_by_name(n).expect("format"));
    ingest
        .read_file(
            &InputFile {
                path: path.to_path_buf(),
                display: path.display().to_string(),
            },
            f,
        )
        .expect("read");
    ingest.finish().expect("finish")
}

/// Read bytes as one input; rejections are written to a temporary quarantine file and
/// returned as parsed JSON lines.
pub fn load_bytes(
    bytes: &[u8],
    format: Option<&str>,
    mut opts: IngestOptions,
) -> (PostTable, IngestReport, Vec<serde_json::Value>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = dir.path().join("rejected.jsonl");
    opts.quarantine_path = Some(q.clone());
    let mut ingest = Ingest::new(opts);
    let f = format.map(|n| format_by_name(n).expect("format"));
    let mut r: &[u8] = bytes;
    ingest.read_stream("input", &mut r, f).expect("read");
    let (t, rep) = ingest.finish().expect("finish");
    let rejected = std::fs::read_to_string(&q)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("rejection json"))
        .collect();
    (t, rep, rejected)
}

/// (originals, reposts, replies, quotes).
pub fn kinds(t: &PostTable) -> [usize; 4] {
    t.kind_counts()
}

/// Index of the post with this id.
pub fn post(t: &PostTable, id: &str) -> u32 {
    (0..t.len() as u32)
        .find(|&p| t.post_id(p) == id)
        .unwrap_or_else(|| panic!("no post {id}"))
}

/// Interned strings of a list column as owned strings.
pub fn strs(interner: &lockstep_model::Interner, syms: &[u32]) -> Vec<String> {
    syms.iter()
        .map(|&s| interner.resolve(s).to_string())
        .collect()
}
