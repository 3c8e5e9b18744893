//! The input formats lockstep reads, and their detection from content.
//!
//! Detection looks at the first 64 KiB of the decompressed input and asks each format in
//! [`all`]'s order whether it recognises it; the first that does wins. The order runs from
//! the most specific signature to the least:
//!
//! 1. binary files by magic and content: `parquet` (`PAR1`), `wechat-rss-sqlite`
//!    (`SQLite format 3` with an `articles(mp_id)` table), `wechat-exporter-xlsx` (a zip
//!    with `xl/` entries),
//! 2. the generic formats first **only when `--map` was given** (a mapping says the user
//!    knows the columns),
//! 3. JSON shapes, told apart by the keys of the first record: `telegram` (`messages`,
//!    `chats`, `personal_information`), `twitter-v2` (a response page: `data`),
//!    `jetstream` (`did` + `time_us`), `telethon` (`"_": "Message"`), `mastodon`
//!    (`account` + `content`), `twitter-v1` (`id_str` + `user`), `twarc2-flat`
//!    (`author_id` + `text`), `weibo-nested` (`comments`/`reposts` + `user_id` + `date`),
//!    `weibo-crawler-json` and `weibo-spider-json` (`user` + `weibo`, told apart by the
//!    keys inside), `weibo-nghuyong` (`_id` + `mblogid`/`comment_user`/...),
//!    `mediacrawler-weibo-json` (`note_id` + `create_date_time`), `wechat-exporter-json`
//!    (`aid` + `link` + `update_time`),
//! 4. CSV headers: `coortweet-csv`, `cnt-csv`, `twitter-io` (`tweetid`, or a users file),
//!    `twarc-csv` (twarc-csv's dotted columns or twarc 1's `json2csv` columns),
//!    `weibo-search` (`微博正文` + `user_id`), `weibo-crawler-csv` (`正文` + `日期`, or
//!    `users.csv`), `weibo-spider-csv` (`微博id`), `mediacrawler-weibo-csv`,
//! 5. `generic-csv` and `generic-jsonl` when the header (or first object) has columns for
//!    an author and a time under common names (`user_id`, `created_at`, ...).
//!
//! When nothing matches, [`IngestError::UnknownFormat`] lists every format tried and says
//! what the input looked like.

mod cnt_csv;
mod coortweet_csv;
mod csvrows;
mod entities;
pub mod generic;
mod jetstream;
pub(crate) mod json;
mod mastodon;
mod mediacrawler;
#[cfg(feature = "parquet")]
mod parquet;
pub(crate) mod typed;
#[cfg(feature = "parquet")]
pub(crate) use parquet::read_arrow;
mod telegram;
mod telethon;
mod twarc_csv;
mod twitter;
mod twitter_io;
mod twitter_typed;
mod twitter_v1;
mod twitter_v2;
pub(crate) mod util;
mod wechat;
mod wechat_exporter;
#[cfg(feature = "sqlite")]
mod wechat_rss;
mod weibo;
mod weibo_crawler;
mod weibo_nested;
mod weibo_nghuyong;
mod weibo_search;
mod weibo_spider;

pub use entities::{
    extract_hashtags, extract_mentions, extract_urls, weibo_mentions, weibo_topics,
};

use crate::{Ingest, IngestError, IngestOptions};
use std::io::BufRead;
use std::path::Path;

/// One input format.
pub trait Format: Send + Sync {
    /// Name used by `--format` and in outputs.
    fn name(&self) -> &'static str;
    /// True if the first bytes of a decompressed input look like this format.
    fn sniff(&self, head: &[u8], opts: &IngestOptions) -> bool;
    /// Read every record of `input` into `ingest`.
    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError>;
    /// Formats that need random access (Parquet) read the file themselves and return
    /// Some; `plain` says whether the stored file is uncompressed.
    fn read_path(
        &self,
        _path: &Path,
        _plain: bool,
        _ingest: &mut Ingest,
    ) -> Option<Result<(), IngestError>> {
        None
    }
}

/// Every known format, in detection order (see the module documentation).
pub fn all() -> &'static [&'static dyn Format] {
    &[
        #[cfg(feature = "parquet")]
        &parquet::Parquet,
        #[cfg(feature = "sqlite")]
        &wechat_rss::WechatRssSqlite,
        #[cfg(feature = "xlsx")]
        &wechat_exporter::WechatExporterXlsx,
        &telegram::Telegram,
        &twitter_v2::TwitterV2,
        &jetstream::Jetstream,
        &telethon::Telethon,
        &mastodon::Mastodon,
        &twitter_v1::TwitterV1,
        &twitter_v2::Twarc2Flat,
        &weibo_nested::WeiboNested,
        &weibo_crawler::WeiboCrawlerJson,
        &weibo_spider::WeiboSpiderJson,
        &weibo_nghuyong::WeiboNghuyong,
        &mediacrawler::MediaCrawlerJson,
        &wechat_exporter::WechatExporterJson,
        &coortweet_csv::CoortweetCsv,
        &cnt_csv::CntCsv,
        &twitter_io::TwitterIo,
        &twarc_csv::TwarcCsv,
        &weibo_search::WeiboSearch,
        &weibo_crawler::WeiboCrawlerCsv,
        &weibo_spider::WeiboSpiderCsv,
        &mediacrawler::MediaCrawlerCsv,
        &generic::GenericCsv,
        &generic::GenericJsonl,
    ]
}

/// Names of all formats, for messages.
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = all().iter().map(|f| f.name()).collect();
    if !cfg!(feature = "parquet") {
        v.push("parquet (not built in)");
    }
    if !cfg!(feature = "sqlite") {
        v.push("wechat-rss-sqlite (not built in)");
    }
    if !cfg!(feature = "xlsx") {
        v.push("wechat-exporter-xlsx (not built in)");
    }
    v
}

/// The format called `name`.
pub fn format_by_name(name: &str) -> Result<&'static dyn Format, IngestError> {
    all()
        .iter()
        .copied()
        .find(|f| f.name() == name)
        .ok_or_else(|| {
            let extra = match name {
                "parquet" => {
                    " (this build has no Parquet support: rebuild with the `parquet` feature)"
                }
                "wechat-rss-sqlite" => {
                    " (this build has no SQLite support: rebuild with the `sqlite` feature)"
                }
                "wechat-exporter-xlsx" => {
                    " (this build has no Excel support: rebuild with the `xlsx` feature)"
                }
                _ => "",
            };
            IngestError::NoSuchFormat(format!("{name}{extra}"), names().join(", "))
        })
}

/// Detect the format of an input from its first bytes, with default options.
pub fn detect(head: &[u8]) -> Option<&'static dyn Format> {
    detect_with(head, &IngestOptions::default())
}

/// Detect the format of an input from its first bytes. A `--map` mapping makes the
/// generic formats win over the specific ones.
pub fn detect_with(head: &[u8], opts: &IngestOptions) -> Option<&'static dyn Format> {
    if !opts.mapping.is_empty() {
        #[cfg(feature = "parquet")]
        if parquet::Parquet.sniff(head, opts) {
            return Some(&parquet::Parquet);
        }
        if head.starts_with(b"SQLite format 3\0") || head.starts_with(b"PK\x03\x04") {
            return all().iter().copied().find(|f| f.sniff(head, opts));
        }
        for f in [
            &generic::GenericCsv as &'static dyn Format,
            &generic::GenericJsonl,
        ] {
            if f.sniff(head, opts) {
                return Some(f);
            }
        }
    }
    all().iter().copied().find(|f| f.sniff(head, opts))
}

/// A short description of an input's start, for the "cannot detect" message.
pub fn describe_head(head: &[u8]) -> String {
    let head_nb = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = head_nb.iter().find(|b| !b.is_ascii_whitespace()).copied();
    match first {
        None => "the input is empty".into(),
        Some(b'{') | Some(b'[') => {
            let keys = util::head_shape(head).keys;
            if keys.is_empty() {
                "it starts like JSON but no keys could be read".into()
            } else {
                format!(
                    "it looks like JSON with keys {}; for other JSON use --format generic-jsonl --map author=KEY --map time=KEY",
                    keys.iter().take(12).cloned().collect::<Vec<_>>().join(",")
                )
            }
        }
        _ => {
            let line = String::from_utf8_lossy(first_line(head)).into_owned();
            let shown: String = line.chars().take(160).collect();
            format!(
                "the first line is '{shown}'; for other CSV use --format generic-csv --map author=COLUMN --map time=COLUMN"
            )
        }
    }
}

/// For the fuzz targets: panics if the `twitter-v1` reader's typed fast path reads
/// `record` (one JSON line) differently from its `serde_json::Value` path; true if the
/// typed path answered for it at all.
#[doc(hidden)]
pub fn twitter_v1_typed_agrees(record: &[u8]) -> bool {
    twitter_typed::typed_agrees(record)
}

/// The first line of `head`, without a UTF-8 byte-order mark or line end.
pub(crate) fn first_line(head: &[u8]) -> &[u8] {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A CSV header record's column names as readers match them: lowercase, trimmed, without
/// a byte-order mark.
pub(crate) fn header_names(rec: &csv::ByteRecord) -> Vec<String> {
    rec.iter()
        .map(|f| {
            String::from_utf8_lossy(f)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_ascii_lowercase()
        })
        .collect()
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

/// CSV records (no header handling, rows of any width) with the line each starts on.
/// A record the csv crate cannot read is quarantined and stepped over; an I/O error ends
/// the read. The readers of CSV formats share it so every one reports lines the same way.
pub(crate) struct CsvRecords<R: std::io::Read> {
    reader: csv::Reader<crate::records::CountingReader<R>>,
    lines: crate::records::LineMap,
}

impl<R: std::io::Read> CsvRecords<R> {
    /// Records of `input`, fields separated by `delimiter`.
    pub(crate) fn new(input: R, delimiter: u8) -> Self {
        let (counted, lines) = crate::records::counting(input);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(counted);
        Self { reader, lines }
    }

    /// Read the next readable record into `rec` and return its 1-based line, or None at
    /// the end of the input.
    pub(crate) fn next(
        &mut self,
        rec: &mut csv::ByteRecord,
        ingest: &mut Ingest,
    ) -> Result<Option<u64>, IngestError> {
        loop {
            match self.next_record(rec) {
                Ok(line) => return Ok(line),
                Err((line, e)) => csv_error(e, ingest, line)?,
            }
        }
    }

    /// Where the reader is in its input, in bytes: after [`next_record`](Self::next_record),
    /// the end of the record it read.
    pub(crate) fn byte_position(&self) -> u64 {
        self.reader.position().byte()
    }

    /// [`next`](Self::next) for callers without an [`Ingest`] (a pool thread parsing a
    /// block): an unreadable record comes back with its line, and the read can go on.
    pub(crate) fn next_record(
        &mut self,
        rec: &mut csv::ByteRecord,
    ) -> Result<Option<u64>, (u64, csv::Error)> {
        let start = self.reader.position().byte();
        match self.reader.read_byte_record(rec) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let at = rec.position().map_or(start, |p| p.byte());
                Ok(Some(self.lines.line_at(at)))
            }
            Err(e) => Err((self.lines.line_at(start), e)),
        }
    }

    /// The next readable record of a block whose first line follows `lines_before` lines,
    /// with its file line; an unreadable one is rejected into `out` with its line and the
    /// read goes on. `None` at the block's end.
    pub(crate) fn next_in_block(
        &mut self,
        rec: &mut csv::ByteRecord,
        lines_before: u64,
        out: &mut crate::ingest::BlockOut,
    ) -> Option<u64> {
        loop {
            match self.next_record(rec) {
                Ok(Some(line)) => return Some(line + lines_before),
                Ok(None) => return None,
                Err((line, e)) => out.other(crate::ingest::Other::Reject {
                    line: line + lines_before,
                    reason: format!("unreadable CSV record: {e}"),
                    raw: Vec::new(),
                }),
            }
        }
    }
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
