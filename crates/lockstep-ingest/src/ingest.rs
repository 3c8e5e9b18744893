use crate::input::{open_decompressed, InputFile};
use crate::timefmt::{parse_crawl_time, parse_offset, BEIJING_MS};
use crate::{formats, Format, IngestError};
use lockstep_model::{PostBatch, PostRecord, PostTable, PushOutcome, TimePrecision};
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// How to read inputs and treat bad records.
#[derive(Clone, Debug, Default)]
pub struct IngestOptions {
    /// Stop at the first bad record instead of quarantining it.
    pub strict: bool,
    /// Where to write rejected records (JSON lines); created only if something is rejected.
    pub quarantine_path: Option<PathBuf>,
    /// Column mapping for the generic formats (`generic-csv`, `generic-jsonl`, `parquet`):
    /// `(key, column)` pairs from `--map KEY=COLUMN`. Keys are listed in
    /// [`crate::formats::generic::KEYS`]; a JSON column may be a dotted path (`user.id`).
    pub mapping: Vec<(String, String)>,
    /// How the generic formats' time column is written (`--time-format`): `auto`
    /// (default), `unix`, `unix_ms`, `unix_us`, `iso8601`, `twitter`, or a strftime-like
    /// pattern such as `%Y-%m-%d %H:%M:%S`.
    pub time_format: Option<String>,
    /// UTC offset of times written without one (`--time-zone +08:00`). Default: UTC for
    /// the generic formats, Beijing time (+08:00) for the Weibo and WeChat readers.
    pub time_zone: Option<String>,
    /// When the data was collected (`--crawl-time`): RFC 3339, or `YYYY-MM-DD HH:MM[:SS]`
    /// in the time zone. The Weibo and WeChat readers resolve relative stamps (`刚刚`,
    /// `3分钟前`, `昨天 12:30`) against it; default: each file's modification time.
    pub crawl_time: Option<String>,
    /// Platform name for the generic formats (`--platform`); default `unknown`, or the
    /// mapped `platform` column.
    pub platform: Option<String>,
    /// Field delimiter of `generic-csv` (`--delimiter`); detected from the header when None.
    pub delimiter: Option<u8>,
    /// Longest record (line or JSON element) read, in bytes; 0 means 64 MiB. Longer
    /// records are rejected without being held in memory.
    pub max_record_bytes: usize,
}

impl IngestOptions {
    /// Check the options that can be wrong (mapping keys, time format, time zone) before
    /// any file is read.
    pub fn check(&self) -> Result<(), IngestError> {
        crate::formats::generic::Mapping::from_options(self)?;
        self.cn_clock(None).map(|_| ())
    }

    /// The UTC offset of zone-less times: `--time-zone`, else `default` (ms east of UTC).
    pub fn zone_ms_or(&self, default: i64) -> Result<i64, IngestError> {
        match self.time_zone.as_deref() {
            None => Ok(default),
            Some(z) => parse_offset(z).ok_or_else(|| {
                IngestError::BadOption(format!(
                    "--time-zone '{z}': expected an offset such as +08:00, -0500, UTC"
                ))
            }),
        }
    }

    /// The time settings of the Weibo and WeChat readers: zone-less times are Beijing time
    /// unless `--time-zone` says otherwise, and relative stamps resolve against
    /// `--crawl-time`, else `file_mtime_ms`.
    pub fn cn_clock(&self, file_mtime_ms: Option<i64>) -> Result<CnClock, IngestError> {
        let zone_ms = self.zone_ms_or(BEIJING_MS)?;
        let crawl_ms = match self.crawl_time.as_deref() {
            Some(c) => Some(parse_crawl_time(c, zone_ms).map_err(IngestError::BadOption)?),
            None => file_mtime_ms,
        };
        Ok(CnClock { zone_ms, crawl_ms })
    }

    /// The record length limit in force.
    pub fn max_record(&self) -> usize {
        if self.max_record_bytes == 0 {
            crate::records::DEFAULT_MAX_RECORD
        } else {
            self.max_record_bytes
        }
    }
}

/// How the Weibo and WeChat readers place times: the zone of zone-less times and the
/// crawl time relative stamps are resolved against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CnClock {
    /// UTC offset of times written without one, in ms.
    pub zone_ms: i64,
    /// When the data was collected, if known (ms since the epoch).
    pub crawl_ms: Option<i64>,
}

impl CnClock {
    /// Parse a time as the Chinese platforms' exporters write it (see
    /// [`crate::timefmt::cn_time`]).
    pub fn parse(&self, s: &str) -> Result<(i64, TimePrecision), String> {
        crate::timefmt::cn_time(s, self.zone_ms, self.crawl_ms)
    }
}

/// Posts per time precision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PrecisionCounts {
    /// Times known to the millisecond (or finer).
    pub millisecond: u64,
    /// Times known to the second.
    pub second: u64,
    /// Times known to the minute.
    pub minute: u64,
    /// Times resolved from relative stamps or bare dates.
    pub approximate: u64,
}

impl PrecisionCounts {
    /// The count of one precision.
    pub fn get(&self, p: TimePrecision) -> u64 {
        match p {
            TimePrecision::Millisecond => self.millisecond,
            TimePrecision::Second => self.second,
            TimePrecision::Minute => self.minute,
            TimePrecision::Approximate => self.approximate,
        }
    }

    fn add(&mut self, p: TimePrecision, n: u64) {
        match p {
            TimePrecision::Millisecond => self.millisecond += n,
            TimePrecision::Second => self.second += n,
            TimePrecision::Minute => self.minute += n,
            TimePrecision::Approximate => self.approximate += n,
        }
    }

    /// The precision most posts have (ties go to the coarser one); None without posts.
    pub fn dominant(&self) -> Option<TimePrecision> {
        let mut best: Option<(TimePrecision, u64)> = None;
        for p in TimePrecision::ALL {
            let n = self.get(p);
            if n > 0 && best.is_none_or(|(_, b)| n >= b) {
                best = Some((p, n));
            }
        }
        best.map(|(p, _)| p)
    }
}

/// Fewest posts (with times finer than a minute as read) a file must have before times
/// that all sit on whole minutes are taken to mean minute precision: by chance, 20
/// second-precision times all land on :00 with probability 60^-20.
pub const MIN_POSTS_FOR_PRECISION: usize = 20;

/// One quarantined record, as written to `rejected.jsonl`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Rejection {
    /// The input file.
    pub file: String,
    /// 1-based line of the record's start (or record number for non-line formats).
    pub line: u64,
    /// Why it was rejected.
    pub reason: String,
    /// The raw record (invalid UTF-8 replaced), truncated to 64 KiB.
    pub raw: String,
}

/// What happened to one input file.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileReport {
    /// The file as named on the command line or found in a directory.
    pub path: String,
    /// Format used to read it.
    pub format: String,
    /// SHA-256 of the file's bytes as stored (before decompression).
    pub sha256: String,
    /// Size in bytes as stored.
    pub bytes: u64,
    /// Records seen.
    pub records: u64,
    /// Records stored as new posts.
    pub accepted: u64,
    /// Records whose platform and id were already stored.
    pub duplicates: u64,
    /// Records that added objects to a stored post (long formats).
    pub merged: u64,
    /// Records quarantined.
    pub rejected: u64,
    /// Records that are not posts and were stepped over (likes, follows, service
    /// messages, account events), by kind.
    pub skipped: u64,
    /// New posts without a known author: the author id was empty or an anonymised
    /// placeholder such as `d41d8cd98f00b204e9800998ecf8427e` (the MD5 of ""; see
    /// [`lockstep_model::is_placeholder_author`]). They are kept as posts (a repost still
    /// points at its root) but are no account's act.
    pub without_author: u64,
    /// How precisely the file's times are known: the precision most of its new posts
    /// have (None without posts).
    pub time_precision: Option<TimePrecision>,
    /// The file's new posts per time precision.
    pub precisions: PrecisionCounts,
    /// True when the reader gave finer times but all of them (at least
    /// [`MIN_POSTS_FOR_PRECISION`]) sit on whole minutes, so they were marked minute-precision.
    pub minute_from_data: bool,
}

/// Totals over a run's inputs.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IngestReport {
    /// Per-file details.
    pub files: Vec<FileReport>,
    /// Records seen.
    pub records: u64,
    /// Posts stored.
    pub accepted: u64,
    /// Duplicate records (same platform and id) skipped.
    pub duplicates: u64,
    /// Records merged into a stored post.
    pub merged: u64,
    /// Records quarantined.
    pub rejected: u64,
    /// Records that are not posts and were stepped over.
    pub skipped: u64,
    /// Posts without a known author over all inputs (see [`FileReport::without_author`]).
    pub without_author: u64,
    /// Posts per time precision over all inputs.
    pub precisions: PrecisionCounts,
    /// Things worth telling the user that are not record-level errors.
    pub warnings: Vec<String>,
    /// Where rejected records were written, if any were.
    pub quarantine: Option<String>,
}

/// What a pool thread made of one block of records ([`Ingest::store_block`] stores it):
/// the posts as a batch with block-local interning, and the records that are not posts,
/// each with the number of batch rows that come before it.
#[derive(Default)]
pub(crate) struct BlockOut {
    pub(crate) batch: PostBatch,
    pub(crate) others: Vec<(usize, Other)>,
}

/// A record of a block that is not a post.
pub(crate) enum Other {
    /// A bad record: its line, the reason and its bytes (as [`Ingest::reject`] takes them).
    Reject {
        line: u64,
        reason: String,
        raw: Vec<u8>,
    },
    /// A record that is not a post, by kind (as [`Ingest::skip`] takes it).
    Skip(&'static str),
    /// A warning about the file (as [`Ingest::warn`] takes it).
    Warn(String),
    /// A recurring peculiarity of the file (as [`Ingest::note`] takes it).
    Note(&'static str),
}

impl BlockOut {
    /// Add a post after everything added so far.
    pub(crate) fn post(&mut self, rec: &PostRecord) {
        self.batch.push(rec);
    }

    /// Empty the block, keeping its memory, for the next block.
    pub(crate) fn clear(&mut self) {
        self.batch.clear();
        self.others.clear();
    }

    /// Add a non-post after everything added so far.
    pub(crate) fn other(&mut self, other: Other) {
        self.others.push((self.batch.len(), other));
    }
}

/// Collects records from readers into a [`PostTable`], quarantining bad ones.
pub struct Ingest {
    table: PostTable,
    opts: IngestOptions,
    quarantine: Option<BufWriter<File>>,
    report: IngestReport,
    current: FileReport,
    /// The file being read, when it is a file (not a stream).
    current_path: Option<PathBuf>,
    /// Its modification time (ms), the default crawl time.
    current_mtime_ms: Option<i64>,
    skipped_kinds: Vec<(String, u64)>,
    notes: Vec<(String, u64)>,
    /// With [`Ingest::collect`]: new posts and rejections kept for the caller (a service
    /// that stores them elsewhere).
    collected: Option<(Vec<PostRecord>, Vec<Rejection>)>,
}

const MAX_RAW: usize = 64 * 1024;

/// The first bytes of a stream (up to `n`, as far as one buffer fill gives), unconsumed.
fn fill_head(input: &mut dyn std::io::BufRead, n: usize) -> std::io::Result<Vec<u8>> {
    let buf = input.fill_buf()?;
    Ok(buf[..buf.len().min(n)].to_vec())
}

impl Ingest {
    /// A fresh ingest with an empty table.
    pub fn new(opts: IngestOptions) -> Self {
        Self {
            table: PostTable::new(),
            opts,
            quarantine: None,
            report: IngestReport::default(),
            current: FileReport::default(),
            current_path: None,
            current_mtime_ms: None,
            skipped_kinds: Vec::new(),
            notes: Vec::new(),
            collected: None,
        }
    }

    /// Also keep every new post and every rejection for [`Ingest::take_collected`], for
    /// callers that store records themselves (`lockstep serve` writes them to its
    /// database). Duplicates within the ingest are still dropped.
    pub fn collect(&mut self) {
        self.collected.get_or_insert_with(Default::default);
    }

    /// The posts and rejections collected since the last call (empty unless
    /// [`Ingest::collect`] was called).
    pub fn take_collected(&mut self) -> (Vec<PostRecord>, Vec<Rejection>) {
        match self.collected.as_mut() {
            Some(c) => std::mem::take(c),
            None => Default::default(),
        }
    }

    /// Read one input file. With `format` None the format is detected from the content.
    pub fn read_file(
        &mut self,
        input: &InputFile,
        format: Option<&dyn Format>,
    ) -> Result<(), IngestError> {
        let io_err = |source| IngestError::Io {
            path: input.path.clone(),
            source,
        };
        let mut opened = open_decompressed(&input.path).map_err(io_err)?;
        let head = opened.peek(64 * 1024).map_err(io_err)?.to_vec();
        let format = match format {
            Some(f) => f,
            None => formats::detect_with(&head, &self.opts).ok_or_else(|| {
                IngestError::UnknownFormat {
                    path: input.path.clone(),
                    tried: formats::names().join(", "),
                    hint: formats::describe_head(&head),
                }
            })?,
        };
        self.current = FileReport {
            path: input.display.clone(),
            format: format.name().to_string(),
            ..FileReport::default()
        };
        self.skipped_kinds.clear();
        self.notes.clear();
        self.current_path = Some(input.path.clone());
        self.current_mtime_ms = std::fs::metadata(&input.path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_millis()).ok());
        if head.is_empty() {
            self.warn(format!("{}: empty input", input.display));
        }
        let marks = self.marks();
        let result = match format.read_path(&input.path, opened.is_plain(), self) {
            Some(r) => r,
            None => format.read(&mut opened, self),
        };
        let finished = opened.finish().map_err(io_err);
        self.current_path = None;
        self.current_mtime_ms = None;
        let (sha256, bytes) = finished?;
        self.current.sha256 = sha256;
        self.current.bytes = bytes;
        self.end_file(marks);
        result
    }

    /// Where the current file's posts start in the table and in the collected posts.
    fn marks(&self) -> (usize, usize) {
        (
            self.table.len(),
            self.collected.as_ref().map_or(0, |(p, _)| p.len()),
        )
    }

    /// Settle the file's time precision, write its notes and file its report.
    fn end_file(&mut self, marks: (usize, usize)) {
        self.settle_precision(marks);
        self.flush_file_notes();
        let done = std::mem::take(&mut self.current);
        self.report.files.push(done);
    }

    /// Count the file's new posts per precision, after marking them minute-precision when
    /// the reader gave finer times that all sit on whole minutes (and there are enough to
    /// tell).
    fn settle_precision(&mut self, (first, first_collected): (usize, usize)) {
        let end = self.table.len();
        let posts = (first..end).map(|p| p as u32);
        let mut finer = 0usize;
        let mut on_minutes = true;
        for p in posts.clone() {
            if self.table.time_precision(p) < TimePrecision::Minute {
                finer += 1;
                if self.table.time(p).rem_euclid(60_000) != 0 {
                    on_minutes = false;
                    break;
                }
            }
        }
        if on_minutes && finer >= MIN_POSTS_FOR_PRECISION {
            for p in posts.clone() {
                if self.table.time_precision(p) < TimePrecision::Minute {
                    self.table.set_time_precision(p, TimePrecision::Minute);
                }
            }
            if let Some((collected, _)) = self.collected.as_mut() {
                for rec in collected.iter_mut().skip(first_collected) {
                    if rec.time_precision < TimePrecision::Minute {
                        rec.time_precision = TimePrecision::Minute;
                    }
                }
            }
            self.current.minute_from_data = true;
        }
        let mut counts = PrecisionCounts::default();
        for p in posts {
            counts.add(self.table.time_precision(p), 1);
        }
        for q in TimePrecision::ALL {
            self.report.precisions.add(q, counts.get(q));
        }
        self.current.time_precision = counts.dominant();
        self.current.precisions = counts;
    }

    /// The file being read, when the input is a file (None for streams). Readers that
    /// take something from the path (weibo-crawler's account id) or open it themselves use
    /// it.
    pub fn current_path(&self) -> Option<&Path> {
        self.current_path.as_deref()
    }

    /// The time settings of the Weibo and WeChat readers for the current input (see
    /// [`IngestOptions::cn_clock`]; the default crawl time is the file's modification time).
    pub fn cn_clock(&self) -> Result<CnClock, IngestError> {
        self.opts.cn_clock(self.current_mtime_ms)
    }

    /// Read one input from a stream (an HTTP body, a test buffer) named `display` in
    /// messages. With `format` None the format is detected from the first 64 KiB.
    pub fn read_stream(
        &mut self,
        display: &str,
        input: &mut dyn std::io::BufRead,
        format: Option<&dyn Format>,
    ) -> Result<(), IngestError> {
        let mut buffered;
        // Make sure detection sees up to 64 KiB even if the caller's buffer is small.
        let input: &mut dyn std::io::BufRead = if format.is_none() {
            buffered = std::io::BufReader::with_capacity(1 << 20, input);
            &mut buffered
        } else {
            input
        };
        let head = fill_head(input, 64 * 1024).map_err(|source| IngestError::Io {
            path: display.into(),
            source,
        })?;
        let format = match format {
            Some(f) => f,
            None => formats::detect_with(&head, &self.opts).ok_or_else(|| {
                IngestError::UnknownFormat {
                    path: display.into(),
                    tried: formats::names().join(", "),
                    hint: formats::describe_head(&head),
                }
            })?,
        };
        self.current = FileReport {
            path: display.to_string(),
            format: format.name().to_string(),
            ..FileReport::default()
        };
        self.skipped_kinds.clear();
        self.notes.clear();
        let marks = self.marks();
        let result = format.read(input, self);
        self.end_file(marks);
        result
    }

    /// Read an in-memory Arrow table (record batches, as the Python package hands over a
    /// pyarrow, pandas or Polars table) named `display` in messages, with the generic
    /// column mapping of `--map`, as a Parquet file with the same columns is read.
    #[cfg(feature = "parquet")]
    pub fn read_arrow(
        &mut self,
        display: &str,
        reader: &mut dyn arrow::record_batch::RecordBatchReader,
    ) -> Result<(), IngestError> {
        self.current = FileReport {
            path: display.to_string(),
            format: "arrow".to_string(),
            ..FileReport::default()
        };
        self.skipped_kinds.clear();
        self.notes.clear();
        let marks = self.marks();
        let result = formats::read_arrow(reader, self);
        self.end_file(marks);
        result
    }

    fn flush_file_notes(&mut self) {
        let file = self.current.path.clone();
        if !self.skipped_kinds.is_empty() {
            let list: Vec<String> = self
                .skipped_kinds
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            self.warn(format!(
                "{file}: skipped {} record(s) that are not posts: {}",
                self.current.skipped,
                list.join(", ")
            ));
        }
        for (msg, n) in std::mem::take(&mut self.notes) {
            self.warn(format!("{file}: {msg} ({n} record(s))"));
        }
    }

    /// The options this ingest runs with.
    pub fn options(&self) -> &IngestOptions {
        &self.opts
    }

    /// Step over a record that is not a post (a like, a follow, a service message), counting
    /// it by `kind` (plural, e.g. `"likes"`); the file's warning lists the counts.
    pub fn skip(&mut self, kind: &str) {
        self.current.skipped += 1;
        self.report.skipped += 1;
        match self.skipped_kinds.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => self.skipped_kinds.push((kind.to_string(), 1)),
        }
    }

    /// Note a recurring peculiarity of the current file (reported once per file with its
    /// count, e.g. "retweets without the retweeted id, kept as originals").
    pub fn note(&mut self, msg: &str) {
        match self.notes.iter_mut().find(|(m, _)| m == msg) {
            Some((_, n)) => *n += 1,
            None => self.notes.push((msg.to_string(), 1)),
        }
    }

    /// The file currently being read, as named for messages.
    pub fn current_file(&self) -> &str {
        &self.current.path
    }

    /// Store a good record.
    pub fn accept(&mut self, rec: &PostRecord) {
        self.current.records += 1;
        self.report.records += 1;
        match self.table.push(rec) {
            PushOutcome::Added(p) => {
                self.current.accepted += 1;
                self.report.accepted += 1;
                if !self.table.has_author(p) {
                    self.current.without_author += 1;
                    self.report.without_author += 1;
                }
                if let Some((posts, _)) = self.collected.as_mut() {
                    posts.push(rec.clone());
                }
            }
            PushOutcome::Duplicate(_) => {
                self.current.duplicates += 1;
                self.report.duplicates += 1;
            }
            PushOutcome::Merged(_) => {
                self.current.merged += 1;
                self.report.merged += 1;
            }
        }
    }

    /// Store what a pool thread made of one block of records, in input order: posts as
    /// [`Ingest::accept`] stores them one by one, non-posts as [`Ingest::reject`],
    /// [`Ingest::skip`] and [`Ingest::warn`] take them. Stops at a rejection under
    /// `--strict`, with the posts after it unstored.
    pub(crate) fn store_block(&mut self, mut block: BlockOut) -> Result<(), IngestError> {
        self.store_block_mut(&mut block)
    }

    /// [`Ingest::store_block`] for a block the caller reuses: its batch is left stored
    /// and its other records taken.
    pub(crate) fn store_block_mut(&mut self, block: &mut BlockOut) -> Result<(), IngestError> {
        let BlockOut { batch, others } = block;
        for (at, other) in others.drain(..) {
            self.accept_rows(batch, at);
            match other {
                Other::Reject { line, reason, raw } => self.reject(line, reason, &raw)?,
                Other::Skip(kind) => self.skip(kind),
                Other::Warn(w) => self.warn(w),
                Other::Note(n) => self.note(n),
            }
        }
        self.accept_rows(batch, usize::MAX);
        Ok(())
    }

    /// [`Ingest::accept`] for the batch's rows not stored yet, up to `upto` (exclusive).
    fn accept_rows(&mut self, batch: &mut PostBatch, upto: usize) {
        let anonymous_before = self.table.anonymous_posts();
        let keep = self.collected.is_some();
        let mut added_rows = Vec::new();
        let (current, report) = (&mut self.current, &mut self.report);
        self.table.push_batch(batch, upto, &mut |row, outcome| {
            current.records += 1;
            report.records += 1;
            match outcome {
                PushOutcome::Added(_) => {
                    current.accepted += 1;
                    report.accepted += 1;
                    if keep {
                        added_rows.push(row);
                    }
                }
                PushOutcome::Duplicate(_) => {
                    current.duplicates += 1;
                    report.duplicates += 1;
                }
                PushOutcome::Merged(_) => {
                    current.merged += 1;
                    report.merged += 1;
                }
            }
        });
        // A new post without a known author is what the table counts as anonymous.
        let without = (self.table.anonymous_posts() - anonymous_before) as u64;
        self.current.without_author += without;
        self.report.without_author += without;
        if let Some((posts, _)) = self.collected.as_mut() {
            posts.extend(added_rows.into_iter().map(|row| batch.record(row)));
        }
    }

    /// Quarantine a bad record, or stop under `--strict`.
    pub fn reject(
        &mut self,
        line: u64,
        reason: impl Into<String>,
        raw: &[u8],
    ) -> Result<(), IngestError> {
        let reason = reason.into();
        self.current.records += 1;
        self.report.records += 1;
        self.current.rejected += 1;
        self.report.rejected += 1;
        let file = self.current.path.clone();
        if self.opts.strict {
            return Err(IngestError::Strict { file, line, reason });
        }
        let raw = String::from_utf8_lossy(&raw[..raw.len().min(MAX_RAW)]).into_owned();
        let rejection = Rejection {
            file,
            line,
            reason,
            raw,
        };
        if let Some((_, rejected)) = self.collected.as_mut() {
            rejected.push(rejection.clone());
        }
        self.write_rejection(&rejection)
    }

    fn write_rejection(&mut self, rejection: &Rejection) -> Result<(), IngestError> {
        let Some(path) = self.opts.quarantine_path.clone() else {
            return Ok(());
        };
        let q_err = |source| IngestError::Quarantine {
            path: path.clone(),
            source,
        };
        if self.quarantine.is_none() {
            let f = File::create(&path).map_err(q_err)?;
            self.quarantine = Some(BufWriter::new(f));
            self.report.quarantine = Some(path.display().to_string());
        }
        if let Some(w) = self.quarantine.as_mut() {
            serde_json::to_writer(&mut *w, rejection).map_err(|e| q_err(e.into()))?;
            w.write_all(b"\n").map_err(q_err)?;
        }
        Ok(())
    }

    /// Note something the user should know (shown and kept in the summary).
    pub fn warn(&mut self, msg: impl Into<String>) {
        self.report.warnings.push(msg.into());
    }

    /// The table so far.
    pub fn table(&self) -> &PostTable {
        &self.table
    }

    /// The table so far, to change how it stores what is read next (lockstep-analyze
    /// switches it to spill texts to a file while reading).
    pub fn table_mut(&mut self) -> &mut PostTable {
        &mut self.table
    }

    /// The counts so far.
    pub fn report(&self) -> &IngestReport {
        &self.report
    }

    /// Flush the quarantine and hand over the table and the report (with one warning
    /// counting the posts without a known author, if any).
    pub fn finish(mut self) -> Result<(PostTable, IngestReport), IngestError> {
        let n = self.report.without_author;
        if n > 0 {
            let files = self
                .report
                .files
                .iter()
                .filter(|f| f.without_author > 0)
                .count();
            self.warn(format!(
                "{n} post(s) in {files} file(s) have no known author (empty, or an anonymised \
                 placeholder such as d41d8cd98f00b204e9800998ecf8427e, the MD5 of an empty \
                 string): kept as posts, but no account's act, so never in a campaign \
                 (per file: without_author in summary.json)"
            ));
        }
        if let (Some(w), Some(path)) =
            (self.quarantine.as_mut(), self.opts.quarantine_path.as_ref())
        {
            w.flush().map_err(|source| IngestError::Quarantine {
                path: path.clone(),
                source,
            })?;
        }
        Ok((self.table, self.report))
    }
}
