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

/// Read `data` as `format` (or `auto`), named `name`, with a 4 KiB record limit, and
/// check the books balance: every record is a post, a duplicate, a merge or a rejection.
/// What the fuzz-like property tests run; a panic anywhere fails them.
pub fn read_and_balance(format: &str, name: &str, data: &[u8], opts: IngestOptions) {
    let dir = tempfile::tempdir().unwrap();
    let mut ingest = Ingest::new(IngestOptions {
        quarantine_path: Some(dir.path().join("r.jsonl")),
        max_record_bytes: 4096,
        ..opts
    });
    let f = (format != "auto").then(|| format_by_name(format).unwrap());
    let mut r: &[u8] = data;
    let _ = ingest.read_stream(name, &mut r, f);
    let (t, rep) = ingest.finish().unwrap();
    assert_eq!(rep.accepted as usize, t.len());
    assert_eq!(
        rep.records,
        rep.accepted + rep.duplicates + rep.merged + rep.rejected
    );
}

/// `d` with bytes replaced (op 0), inserted (1), removed (2) or a run of up to 64 bytes
/// duplicated (3) at each `(position, byte, op)`, then cut short when every third `cut`:
/// a real record damaged the ways files get damaged.
pub fn mutate(mut d: Vec<u8>, edits: &[(u16, u8, u8)], cut: u16) -> Vec<u8> {
    for &(pos, byte, op) in edits {
        if d.is_empty() {
            break;
        }
        let p = pos as usize % d.len();
        match op {
            0 => d[p] = byte,
            1 => d.insert(p, byte),
            2 => {
                d.remove(p);
            }
            _ => {
                let tail = d[p..].to_vec();
                d.extend_from_slice(&tail[..tail.len().min(64)]);
            }
        }
    }
    if !d.is_empty() && cut.is_multiple_of(3) {
        d.truncate(cut as usize % d.len());
    }
    d
}
