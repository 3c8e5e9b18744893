//! The input formats lockstep reads, and their detection from content.

mod cnt_csv;
mod coortweet_csv;
mod entities;

pub use entities::{extract_hashtags, extract_mentions};

use crate::{Ingest, IngestError};
use std::io::BufRead;

/// One input format.
pub trait Format: Send + Sync {
    /// Name used by `--format` and in outputs.
    fn name(&self) -> &'static str;
    /// True if the first bytes of a decompressed input look like this format.
    fn sniff(&self, head: &[u8]) -> bool;
    /// Read every record of `input` into `ingest`.
    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError>;
}

/// Every known format, most specific first (detection takes the first that matches).
pub fn all() -> &'static [&'static dyn Format] {
    &[&coortweet_csv::CoortweetCsv, &cnt_csv::CntCsv]
}

/// Names of all formats, for messages.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|f| f.name()).collect()
}

/// The format called `name`.
pub fn format_by_name(name: &str) -> Result<&'static dyn Format, IngestError> {
    all()
        .iter()
        .copied()
        .find(|f| f.name() == name)
        .ok_or_else(|| IngestError::NoSuchFormat(name.to_string(), names().join(", ")))
}

/// Detect the format of an input from its first bytes.
pub fn detect(head: &[u8]) -> Option<&'static dyn Format> {
    all().iter().copied().find(|f| f.sniff(head))
}

/// The first line of `head`, without a UTF-8 byte-order mark or line end.
pub(crate) fn first_line(head: &[u8]) -> &[u8] {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Re-serialise a CSV record for the quarantine file.
pub(crate) fn raw_csv(rec: &csv::ByteRecord) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_byte_record(rec);
    let mut v = w.into_inner().unwrap_or_default();
    if v.last() == Some(&b'\n') {
        v.pop();
    }
    v
}

/// Turn a csv read error into a rejection or an I/O error.
pub(crate) fn csv_error(
    err: csv::Error,
    ingest: &mut Ingest,
    line: u64,
) -> Result<(), IngestError> {
    if let csv::ErrorKind::Io(_) = err.kind() {
        let path = ingest.current_file().into();
        match err.into_kind() {
            csv::ErrorKind::Io(source) => Err(IngestError::Io { path, source }),
            _ => Ok(()),
        }
    } else {
        ingest.reject(line, format!("unreadable CSV record: {err}"), b"")
    }
}
