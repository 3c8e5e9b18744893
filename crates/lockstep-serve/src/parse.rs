//! Turning request bodies, stream messages and dropped files into post records with the
//! same readers `analyze` uses, so every format it reads can be posted to the service.

use lockstep_ingest::{format_by_name, Format, Ingest, IngestError, IngestOptions, Rejection};
use lockstep_model::PostRecord;
use std::io::Write;

/// Posts read from one input, with the records that were quarantined.
#[derive(Debug, Default)]
pub struct Parsed {
    /// New posts (duplicates within the input dropped).
    pub posts: Vec<PostRecord>,
    /// Bad records, with line and reason.
    pub rejected: Vec<Rejection>,
    /// The format used.
    pub format: String,
}

/// Why an input could not be read at all (individual bad records are not errors).
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// `?format=` named no known format.
    #[error("{0}")]
    BadFormat(String),
    /// The content matched no format, or could not be read.
    #[error("{0}")]
    Unreadable(String),
}

/// Resolve a format name; `None` or `auto` means detect from the content.
pub fn resolve_format(name: Option<&str>) -> Result<Option<&'static dyn Format>, ParseError> {
    match name.map(str::trim) {
        None | Some("") | Some("auto") => Ok(None),
        Some(n) => format_by_name(n)
            .map(Some)
            .map_err(|e| ParseError::BadFormat(e.to_string())),
    }
}

/// Read `bytes` (named `display` in rejections) in `format` (None: detected). Posts whose
/// time is more than `max_future_ms` past the wall clock are quarantined: one bad clock
/// must not move the live window's watermark into the future.
pub fn parse_batch(
    display: &str,
    bytes: &[u8],
    format: Option<&'static dyn Format>,
    max_future_ms: i64,
) -> Result<Parsed, ParseError> {
    // A compressed body could expand far beyond the request limit (and memory); files
    // that large belong in the watched directory, which streams them.
    if bytes.starts_with(&[0x1f, 0x8b]) || bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Err(ParseError::Unreadable(format!(
            "{display}: compressed bodies are not accepted; send the posts uncompressed, \
             or drop the file into the watched directory"
        )));
    }
    let mut ingest = Ingest::new(IngestOptions::default());
    ingest.collect();
    let is_parquet = bytes.starts_with(b"PAR1") || format.is_some_and(|f| f.name() == "parquet");
    let result = if is_parquet {
        // Parquet needs random access: spill the body to a temporary file.
        read_via_file(&mut ingest, display, bytes, format)
    } else {
        let mut cursor = std::io::Cursor::new(bytes);
        ingest.read_stream(display, &mut cursor, format)
    };
    result.map_err(|e| ParseError::Unreadable(e.to_string()))?;
    let format = ingest
        .report()
        .files
        .last()
        .map(|f| f.format.clone())
        .unwrap_or_default();
    let (posts, rejected) = ingest.take_collected();
    let (posts, rejected) = split_future(display, posts, rejected, max_future_ms);
    Ok(Parsed {
        posts,
        rejected,
        format,
    })
}

/// Move posts dated more than `max_future_ms` past the wall clock to the rejections.
pub fn split_future(
    display: &str,
    posts: Vec<PostRecord>,
    mut rejected: Vec<Rejection>,
    max_future_ms: i64,
) -> (Vec<PostRecord>, Vec<Rejection>) {
    let now = now_ms();
    let limit = now.saturating_add(max_future_ms);
    let mut kept = Vec::with_capacity(posts.len());
    for p in posts {
        if p.time_ms > limit {
            rejected.push(Rejection {
                file: display.to_string(),
                line: 0,
                reason: format!(
                    "post {} is dated {} s in the future (more than the allowed lateness)",
                    p.id,
                    (p.time_ms - now) / 1000
                ),
                raw: serde_json::to_string(&p).unwrap_or_default(),
            });
        } else {
            kept.push(p);
        }
    }
    (kept, rejected)
}

fn read_via_file(
    ingest: &mut Ingest,
    display: &str,
    bytes: &[u8],
    format: Option<&'static dyn Format>,
) -> Result<(), IngestError> {
    let io = |source| IngestError::Io {
        path: display.into(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix("lockstep-ingest-")
        .suffix(".parquet")
        .tempfile()
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.flush().map_err(io)?;
    let files = lockstep_ingest::expand_inputs(&[tmp.path().to_path_buf()]).map_err(io)?;
    for f in &files {
        ingest.read_file(f, format)?;
    }
    Ok(())
}

/// Wall clock in ms since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CNT: &str = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n\
        1,10,a,,,hello world,1700000000,\n\
        2,11,b,1,,,1700000005,\n\
        2,11,b,1,,,1700000005,\n\
        3,12,c,,,bad time,notatime,\n";

    #[test]
    fn reads_detects_and_quarantines() {
        let p = parse_batch("body", CNT.as_bytes(), None, 3_600_000).expect("parsed");
        assert_eq!(p.format, "cnt-csv");
        assert_eq!(p.posts.len(), 2, "duplicate dropped");
        assert_eq!(p.rejected.len(), 1);
        assert_eq!(p.rejected[0].line, 5);
    }

    #[test]
    fn future_posts_are_quarantined() {
        let far = (now_ms() / 1000) + 86_400 * 30;
        let body = format!(
            "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n1,10,a,,,hi,{far},\n"
        );
        let p = parse_batch("body", body.as_bytes(), None, 3_600_000).expect("parsed");
        assert!(p.posts.is_empty());
        assert!(p.rejected[0].reason.contains("future"));
    }

    #[test]
    fn unknown_format_name_and_garbage() {
        assert!(matches!(
            resolve_format(Some("myspace")),
            Err(ParseError::BadFormat(_))
        ));
        assert!(parse_batch("body", b"\x00\x01\x02garbage", None, 0).is_err());
        let e = parse_batch("body", b"\x1f\x8b\x08\x00", None, 0).expect_err("gzip");
        assert!(e.to_string().contains("compressed"), "{e}");
    }
}
