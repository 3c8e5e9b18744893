//! coordination-network-toolkit's CSV: columns by position
//! `message_id,user_id,username,repost_id,reply_id,message,timestamp,urls`, a header row,
//! `urls` space-separated, empty fields meaning none.

use super::{extract_hashtags, extract_mentions, first_line, raw_csv, CsvRecords, Format};
use crate::ingest::{BlockOut, Other};
use crate::records::{par_csv, BlockRecords, CsvBlock};
use crate::timefmt::unix_seconds_to_ms;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::PostRecord;
use std::io::BufRead;

pub(crate) struct CntCsv;

const COLUMNS: [&str; 8] = [
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
];

fn is_header(rec: &csv::ByteRecord) -> bool {
    rec.len() == 8
        && rec
            .iter()
            .zip(COLUMNS)
            .all(|(f, c)| f.trim_ascii().eq_ignore_ascii_case(c.as_bytes()))
}

impl Format for CntCsv {
    fn name(&self) -> &'static str {
        "cnt-csv"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        let line = first_line(head);
        let lower = line.to_ascii_lowercase();
        lower.starts_with(b"message_id,user_id,")
            || lower.starts_with(b"\"message_id\",\"user_id\",")
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        if rayon::current_num_threads() > 1 {
            return read_par(input, ingest);
        }
        let mut rows = CsvRecords::new(input, b',');
        let mut rec = csv::ByteRecord::new();
        let mut post = PostRecord::default();
        let mut first = true;
        while let Some(line) = rows.next(&mut rec, ingest)? {
            if first {
                first = false;
                let (skip, warning) = first_record(&mut rec, &mut post, ingest.current_file());
                if let Some(w) = warning {
                    ingest.warn(w);
                }
                if skip {
                    continue;
                }
            }
            match parse_row(&rec, &mut post) {
                Ok(()) => ingest.accept(&post),
                Err(reason) => ingest.reject(line, reason, &raw_csv(&rec))?,
            }
        }
        Ok(())
    }
}

/// The first record: the header (skipped), or data without a header (kept, with a
/// warning), or a header with unexpected names (skipped, with a warning). Returns whether
/// to skip it and the warning. The toolkit skips the first row unconditionally; we keep
/// data rows.
fn first_record(
    rec: &mut csv::ByteRecord,
    post: &mut PostRecord,
    file: &str,
) -> (bool, Option<String>) {
    strip_bom(rec);
    if is_header(rec) {
        (true, None)
    } else if rec.len() == 8 && parse_row(rec, post).is_ok() {
        let w = format!("{file}: no header row; the first row was read as data");
        (false, Some(w))
    } else if rec.len() == 8 {
        let w = format!("{file}: first row taken as a header with unexpected names");
        (true, Some(w))
    } else {
        (false, None)
    }
}

/// [`CntCsv::read`] on every core: the input is cut into blocks of whole records
/// ([`par_csv`]), each parsed on rayon's pool into a [`BlockOut`] (posts with block-local
/// interning, rejections with their lines), and the blocks are stored here in input order
/// ([`Ingest::store_block`]), exactly as a one-thread read stores them.
fn read_par(input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
    let file = ingest.current_file().to_string();
    let parse = |block: CsvBlock<'_>| {
        let mut rows = BlockRecords::new(block.bytes, b',');
        let mut rec = csv::ByteRecord::new();
        let mut out = BlockOut::default();
        let mut post = PostRecord::default();
        let mut first = block.first;
        while rows.next_record(&mut rec) {
            if first {
                first = false;
                let (skip, warning) = first_record(&mut rec, &mut post, &file);
                if let Some(w) = warning {
                    out.other(Other::Warn(w));
                }
                if skip {
                    continue;
                }
            }
            match parse_row(&rec, &mut post) {
                Ok(()) => out.post(&post),
                Err(reason) => out.other(Other::Reject {
                    line: rows.line() + block.lines_before,
                    reason,
                    raw: raw_csv(&rec),
                }),
            }
        }
        out
    };
    let io = |source| IngestError::Io {
        path: file.clone().into(),
        source,
    };
    par_csv(input, b',', 0, &parse, &io, &mut |block| {
        ingest.store_block(block)
    })
}

fn strip_bom(rec: &mut csv::ByteRecord) {
    if rec.get(0).is_some_and(|f| f.starts_with(b"\xef\xbb\xbf")) {
        let fields: Vec<Vec<u8>> = rec
            .iter()
            .enumerate()
            .map(|(i, f)| if i == 0 { f[3..].to_vec() } else { f.to_vec() })
            .collect();
        *rec = csv::ByteRecord::from(fields);
    }
}

fn field(rec: &csv::ByteRecord, i: usize) -> Result<&str, String> {
    let bytes = rec.get(i).unwrap_or_default();
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 in column {} ({}) at byte {}",
            i + 1,
            COLUMNS[i],
            e.valid_up_to()
        )
    })
}

fn parse_row(rec: &csv::ByteRecord, post: &mut PostRecord) -> Result<(), String> {
    if rec.len() != 8 {
        return Err(format!(
            "expected 8 columns ({}), found {}",
            COLUMNS.join(","),
            rec.len()
        ));
    }
    // The buffers of the previous row are reused: `clear` would drop the strings of the
    // optional references and of the URLs, and this runs for every row.
    let spare_repost = post.repost_of.take();
    let spare_reply = post.reply_to.take();
    let mut urls = std::mem::take(&mut post.urls);
    post.clear();
    post.platform.push_str("unknown");
    let id = field(rec, 0)?;
    if id.trim().is_empty() {
        return Err("empty message_id".into());
    }
    post.id.push_str(id);
    let user = field(rec, 1)?;
    if user.trim().is_empty() {
        return Err("empty user_id".into());
    }
    post.author_id.push_str(user);
    post.author_handle.push_str(field(rec, 2)?);
    post.repost_of = reuse(spare_repost, field(rec, 3)?);
    post.reply_to = reuse(spare_reply, field(rec, 4)?);
    post.text.push_str(field(rec, 5)?);
    let ts = field(rec, 6)?;
    let (ms, exact) = seconds(ts).ok_or_else(|| {
        format!(
            "unparsable timestamp '{}' (expected Unix seconds)",
            ts.chars().take(40).collect::<String>()
        )
    })?;
    post.time_ms = ms;
    post.time_exact_s = exact;
    // An empty field means no URL (the toolkit turns it into one empty URL that links
    // every URL-less post; we do not copy that defect).
    let mut n = 0;
    for u in field(rec, 7)?.split(' ').filter(|u| !u.is_empty()) {
        if urls[..n].iter().any(|x| x == u) {
            continue;
        }
        match urls.get_mut(n) {
            Some(x) => {
                x.clear();
                x.push_str(u);
            }
            None => urls.push(u.to_string()),
        }
        n += 1;
    }
    urls.truncate(n);
    post.urls = urls;
    extract_hashtags(&post.text, &mut post.hashtags);
    extract_mentions(&post.text, &mut post.mentions);
    Ok(())
}

/// `Some(s)` in the buffer `spare` (when there is one), None for an empty field.
fn reuse(spare: Option<String>, s: &str) -> Option<String> {
    if s.is_empty() {
        return None;
    }
    let mut buf = spare.unwrap_or_default();
    buf.clear();
    buf.push_str(s);
    Some(buf)
}

/// The timestamp as milliseconds, and the toolkit's `float(timestamp)` when milliseconds
/// do not give it back (more than three decimals), for `--semantics cnt`.
fn seconds(ts: &str) -> Option<(i64, Option<f64>)> {
    // Whole seconds below 2^40 (the common case): the milliseconds give the double back
    // exactly, so there is no float to parse.
    if let Ok(secs) = ts.trim().parse::<i64>() {
        if secs.unsigned_abs() < 1 << 40 {
            return Some((secs * 1000, None));
        }
    }
    let ms = unix_seconds_to_ms(ts)?;
    let exact = ts
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|&s| s != ms as f64 / 1000.0);
    Some((ms, exact))
}
