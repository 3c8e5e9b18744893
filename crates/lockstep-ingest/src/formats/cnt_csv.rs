//! coordination-network-toolkit's CSV: columns by position
//! `message_id,user_id,username,repost_id,reply_id,message,timestamp,urls`, a header row,
//! `urls` space-separated, empty fields meaning none.

use super::entities::{hashtags_into, mentions_into};
use super::{first_line, raw_csv, CsvRecords, Format};
use crate::ingest::{BlockOut, Other};
use crate::records::{par_csv, BlockRecords, CsvBlock, SpanRecord};
use crate::timefmt::unix_seconds_to_ms;
use crate::{Ingest, IngestError, IngestOptions};
use lockstep_model::{PostRecord, PostRef, TimePrecision};
use std::io::BufRead;
use std::sync::Mutex;

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

/// A record's fields by position: the `csv` crate's records (one thread) and records left
/// in their block ([`SpanRecord`], on the pool).
trait Fields {
    fn len(&self) -> usize;
    fn get(&self, i: usize) -> Option<&[u8]>;
}

impl Fields for csv::ByteRecord {
    fn len(&self) -> usize {
        csv::ByteRecord::len(self)
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        csv::ByteRecord::get(self, i)
    }
}

impl Fields for SpanRecord<'_> {
    fn len(&self) -> usize {
        SpanRecord::len(self)
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        SpanRecord::get(self, i)
    }
}

fn is_header(rec: &impl Fields) -> bool {
    rec.len() == 8
        && (0..8).all(|i| {
            rec.get(i)
                .unwrap_or_default()
                .trim_ascii()
                .eq_ignore_ascii_case(COLUMNS[i].as_bytes())
        })
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
        let mut bufs = ListBufs::default();
        let mut first = true;
        while let Some(line) = rows.next(&mut rec, ingest)? {
            if first {
                first = false;
                strip_bom(&mut rec);
                let (skip, warning) = first_record(&rec, ingest.current_file());
                if let Some(w) = warning {
                    ingest.warn(w);
                }
                if skip {
                    continue;
                }
            }
            let mut lists = bufs.take();
            match parse_row(&rec, &mut lists) {
                Ok(row) => {
                    fill_record(&mut post, &row.post(&lists));
                    ingest.accept(&post);
                }
                Err(reason) => ingest.reject(line, reason, &raw_csv(&rec))?,
            }
            bufs = lists.give_back();
        }
        Ok(())
    }
}

/// The first record (its byte-order mark already dropped): the header (skipped), or data
/// without a header (kept, with a warning), or a header with unexpected names (skipped,
/// with a warning). Returns whether to skip it and the warning. The toolkit skips the
/// first row unconditionally; we keep data rows.
fn first_record(rec: &impl Fields, file: &str) -> (bool, Option<String>) {
    if is_header(rec) {
        (true, None)
    } else if rec.len() == 8 && parse_row(rec, &mut Lists::default()).is_ok() {
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
    // Stored blocks come back here emptied and are filled again: a batch's interners
    // and columns keep their memory instead of growing from nothing for every block.
    let spare: Mutex<Vec<BlockOut>> = Mutex::new(Vec::new());
    let parse = |block: CsvBlock<'_>| {
        let mut rows = BlockRecords::new(block.bytes, b',');
        // Fields stay in the block and the post borrows them: the batch copies each
        // string once, into its own text column or interners.
        let mut rec = SpanRecord::new(block.bytes);
        let mut out = spare
            .lock()
            .ok()
            .and_then(|mut s| s.pop())
            .unwrap_or_default();
        // Emptied here, on the pool, rather than on the reading thread.
        out.clear();
        let mut bufs = ListBufs::default();
        let mut first = block.first;
        while rows.next_record(&mut rec) {
            if first {
                first = false;
                if rec.get(0).is_some_and(|f| f.starts_with(BOM)) {
                    rec.skip_start(0, BOM.len());
                }
                let (skip, warning) = first_record(&rec, &file);
                if let Some(w) = warning {
                    out.other(Other::Warn(w));
                }
                if skip {
                    continue;
                }
            }
            let mut lists = bufs.take();
            match parse_row(&rec, &mut lists) {
                Ok(row) => out.batch.push_ref(&row.post(&lists)),
                Err(reason) => out.other(Other::Reject {
                    line: rows.line() + block.lines_before,
                    reason,
                    raw: raw_csv(&rec.to_byte_record()),
                }),
            }
            bufs = lists.give_back();
        }
        out
    };
    let io = |source| IngestError::Io {
        path: file.clone().into(),
        source,
    };
    par_csv(input, b',', 0, &parse, &io, &mut |mut block| {
        ingest.store_block_mut(&mut block)?;
        if let Ok(mut s) = spare.lock() {
            s.push(block);
        }
        Ok(())
    })
}

const BOM: &[u8] = b"\xef\xbb\xbf";

fn strip_bom(rec: &mut csv::ByteRecord) {
    if rec.get(0).is_some_and(|f| f.starts_with(BOM)) {
        let fields: Vec<Vec<u8>> = rec
            .iter()
            .enumerate()
            .map(|(i, f)| if i == 0 { f[3..].to_vec() } else { f.to_vec() })
            .collect();
        *rec = csv::ByteRecord::from(fields);
    }
}

fn field(rec: &impl Fields, i: usize) -> Result<&str, String> {
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

/// One row's scalar fields, borrowed from the record.
struct Row<'r> {
    id: &'r str,
    author: &'r str,
    handle: &'r str,
    repost_of: Option<&'r str>,
    reply_to: Option<&'r str>,
    text: &'r str,
    time_ms: i64,
    exact: Option<f64>,
}

/// One row's lists, borrowed from the record.
#[derive(Default)]
struct Lists<'r> {
    urls: Vec<&'r str>,
    hashtags: Vec<&'r str>,
    mentions: Vec<&'r str>,
}

/// The lists' buffers between rows (empty), so a row allocates none.
#[derive(Default)]
struct ListBufs {
    urls: Vec<&'static str>,
    hashtags: Vec<&'static str>,
    mentions: Vec<&'static str>,
}

/// `v`'s buffer for strings of another lifetime. `v` is emptied first, so nothing is
/// converted: collecting a `vec::IntoIter` through `map` into a `Vec` of the same layout
/// reuses the allocation (the standard library's in-place collection), so this allocates
/// nothing.
fn recycle<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter().map(|_| "").collect()
}

impl ListBufs {
    fn take<'r>(&mut self) -> Lists<'r> {
        Lists {
            urls: recycle(std::mem::take(&mut self.urls)),
            hashtags: recycle(std::mem::take(&mut self.hashtags)),
            mentions: recycle(std::mem::take(&mut self.mentions)),
        }
    }
}

impl Lists<'_> {
    fn give_back(self) -> ListBufs {
        ListBufs {
            urls: recycle(self.urls),
            hashtags: recycle(self.hashtags),
            mentions: recycle(self.mentions),
        }
    }
}

impl<'r> Row<'r> {
    /// The post, as [`PostBatch::push_ref`](lockstep_model::PostBatch::push_ref) takes it.
    fn post<'x>(&'x self, lists: &'x Lists<'r>) -> PostRef<'x, &'r str> {
        PostRef {
            platform: "unknown",
            id: self.id,
            author_id: self.author,
            author_handle: self.handle,
            author_created_ms: None,
            time_ms: self.time_ms,
            time_precision: TimePrecision::default(),
            time_exact_s: self.exact,
            repost_of: self.repost_of,
            reply_to: self.reply_to,
            quote_of: None,
            text: self.text,
            urls: &lists.urls,
            hashtags: &lists.hashtags,
            mentions: &lists.mentions,
            media: &[],
            objects: &[],
            lang: None,
            claims_original: None,
        }
    }
}

/// `post` made `r` (its buffers reused), for the one-thread path, which stores records.
fn fill_record(post: &mut PostRecord, r: &PostRef<'_, &str>) {
    fn opt(buf: &mut Option<String>, s: Option<&str>) {
        match s {
            None => *buf = None,
            Some(s) => {
                let b = buf.get_or_insert_with(String::new);
                b.clear();
                b.push_str(s);
            }
        }
    }
    fn list(buf: &mut Vec<String>, l: &[&str]) {
        buf.truncate(l.len());
        for (i, s) in l.iter().enumerate() {
            match buf.get_mut(i) {
                Some(b) => {
                    b.clear();
                    b.push_str(s);
                }
                None => buf.push((*s).to_string()),
            }
        }
    }
    for (buf, s) in [
        (&mut post.platform, r.platform),
        (&mut post.id, r.id),
        (&mut post.author_id, r.author_id),
        (&mut post.author_handle, r.author_handle),
        (&mut post.text, r.text),
    ] {
        buf.clear();
        buf.push_str(s);
    }
    post.author_created_ms = r.author_created_ms;
    post.time_ms = r.time_ms;
    post.time_precision = r.time_precision;
    post.time_exact_s = r.time_exact_s;
    opt(&mut post.repost_of, r.repost_of);
    opt(&mut post.reply_to, r.reply_to);
    opt(&mut post.quote_of, r.quote_of);
    list(&mut post.urls, r.urls);
    list(&mut post.hashtags, r.hashtags);
    list(&mut post.mentions, r.mentions);
    list(&mut post.media, r.media);
    list(&mut post.objects, r.objects);
    opt(&mut post.lang, r.lang);
    post.claims_original = r.claims_original;
}

/// The row's fields, and its lists in `lists` (empty on entry).
fn parse_row<'r>(rec: &'r impl Fields, lists: &mut Lists<'r>) -> Result<Row<'r>, String> {
    if rec.len() != 8 {
        return Err(format!(
            "expected 8 columns ({}), found {}",
            COLUMNS.join(","),
            rec.len()
        ));
    }
    let id = field(rec, 0)?;
    if id.trim().is_empty() {
        return Err("empty message_id".into());
    }
    let author = field(rec, 1)?;
    if author.trim().is_empty() {
        return Err("empty user_id".into());
    }
    let handle = field(rec, 2)?;
    let some = |s: &'r str| (!s.is_empty()).then_some(s);
    let repost_of = some(field(rec, 3)?);
    let reply_to = some(field(rec, 4)?);
    let text = field(rec, 5)?;
    let ts = field(rec, 6)?;
    let (time_ms, exact) = seconds(ts).ok_or_else(|| {
        format!(
            "unparsable timestamp '{}' (expected Unix seconds)",
            ts.chars().take(40).collect::<String>()
        )
    })?;
    // An empty field means no URL (the toolkit turns it into one empty URL that links
    // every URL-less post; we do not copy that defect).
    for u in field(rec, 7)?.split(' ').filter(|u| !u.is_empty()) {
        if !lists.urls.contains(&u) {
            lists.urls.push(u);
        }
    }
    hashtags_into(text, &mut lists.hashtags);
    mentions_into(text, &mut lists.mentions);
    Ok(Row {
        id,
        author,
        handle,
        repost_of,
        reply_to,
        text,
        time_ms,
        exact,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{extract_hashtags, extract_mentions};
    use lockstep_model::PostBatch;
    use proptest::prelude::*;

    /// The row parser as it was when rows were read into owned records (before fields
    /// were borrowed from the block): the reference the borrowed parse must agree with.
    fn reference(rec: &csv::ByteRecord, post: &mut PostRecord) -> Result<(), String> {
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

    /// `reuse` of the reference.
    fn reuse(spare: Option<String>, s: &str) -> Option<String> {
        if s.is_empty() {
            return None;
        }
        let mut buf = spare.unwrap_or_default();
        buf.clear();
        buf.push_str(s);
        Some(buf)
    }

    /// Fields of a toolkit row, some of them odd: repeated and empty URLs, tags and
    /// mentions in the text, timestamps with decimals or not numbers, invalid UTF-8.
    fn cell() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"".to_vec()),
            Just(b"12345".to_vec()),
            Just(b"0012".to_vec()),
            Just(b" ".to_vec()),
            Just(b"1500000000.123456".to_vec()),
            Just(b"1500000000.5".to_vec()),
            Just(b"x\xffy".to_vec()),
            Just(b"http://a http://b  http://a ".to_vec()),
            Just(b"RT @bob: #tag and #tag, @al.ice #\xe4\xb8\xad\xe6\x96\x87# x".to_vec()),
            "[a-c#@ ,\"\n]{0,12}".prop_map(String::into_bytes),
        ]
    }

    fn record() -> impl Strategy<Value = Vec<Vec<u8>>> {
        prop_oneof![
            8 => proptest::collection::vec(cell(), 8),
            1 => proptest::collection::vec(cell(), 0..10),
        ]
    }

    /// The record written as CSV (quoted where needed) and read back as a block. A record
    /// of no fields has no CSV of its own (it is written as one empty field): skipped.
    fn through_block(fields: &[Vec<u8>], check: impl FnOnce(&SpanRecord<'_>)) {
        if fields.is_empty() {
            return;
        }
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        w.write_record(fields).expect("write");
        let bytes = w.into_inner().expect("bytes");
        let mut rows = BlockRecords::new(&bytes, b',');
        let mut rec = SpanRecord::new(&bytes);
        if rows.next_record(&mut rec) {
            check(&rec);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// A row parsed in place gives the record (or the rejection) the owned parse
        /// gave, read from a `csv` record or from a block, and a batch filled from the
        /// borrowed post holds what pushing the record gives.
        #[test]
        fn borrowed_rows_read_as_owned_rows(fields in record()) {
            let rec = csv::ByteRecord::from(fields.clone());
            let mut want = PostRecord::default();
            let want = reference(&rec, &mut want).map(|()| want);
            let mut lists = Lists::default();
            let got = parse_row(&rec, &mut lists).map(|row| {
                let mut post = PostRecord::default();
                fill_record(&mut post, &row.post(&lists));
                post
            });
            prop_assert_eq!(&got, &want);
            through_block(&fields, |span| {
                let mut lists = Lists::default();
                let got = parse_row(span, &mut lists);
                match (&got, &want) {
                    (Ok(row), Ok(want)) => {
                        let (mut a, mut b) = (PostBatch::new(), PostBatch::new());
                        a.push_ref(&row.post(&lists));
                        b.push(want);
                        assert_eq!(a.record(0), b.record(0));
                        assert_eq!(&a.record(0), want);
                    }
                    (Err(a), Err(b)) => assert_eq!(a, b),
                    _ => panic!("{:?} against {:?}", got.is_ok(), want),
                }
            });
        }
    }
}
