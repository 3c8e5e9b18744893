//! A header-driven CSV driver: the first record names the columns, every later record is
//! handed over with accessors by column index. Shared by the readers that find their
//! columns by name (`twitter-io`, `twarc-csv`, `generic-csv`).

use super::util::{guess_delimiter, Outcome};
use super::{header_names, raw_csv, CsvRecords};
use crate::ingest::{BlockOut, Other};
use crate::records::{par_csv, CsvBlock};
use crate::{Ingest, IngestError};
use lockstep_model::PostRecord;
use std::io::BufRead;

/// One data row.
pub(crate) struct Row<'a> {
    pub rec: &'a csv::ByteRecord,
    pub names: &'a [String],
    /// Line breaks in the input before the bytes `rec` was read from (a block's start when
    /// reading on several threads, else 0).
    pub lines_before: u64,
}

impl Row<'_> {
    /// The line the `csv` crate gives the row (its count of `\n` before it, plus one) in
    /// the whole input: names posts of files without an id column.
    pub(crate) fn csv_line(&self) -> u64 {
        self.rec.position().map_or(0, |p| p.line()) + self.lines_before
    }

    /// The trimmed field at `idx`, None if there is no such column or it is empty.
    pub(crate) fn get(&self, idx: Option<usize>) -> Result<Option<&str>, String> {
        Ok(self.text(idx)?.map(str::trim).filter(|t| !t.is_empty()))
    }

    /// Like [`get`](Self::get) but keeps surrounding whitespace (for text).
    pub(crate) fn raw(&self, idx: Option<usize>) -> Result<Option<&str>, String> {
        Ok(self.text(idx)?.filter(|s| !s.is_empty()))
    }

    /// The field at `idx` as text, None if there is no such column. Always inlined: it runs
    /// for every field of every row, and a call per field measurably slows the reader.
    #[inline(always)]
    fn text(&self, idx: Option<usize>) -> Result<Option<&str>, String> {
        let Some(f) = idx.and_then(|i| self.rec.get(i)) else {
            return Ok(None);
        };
        match std::str::from_utf8(f) {
            Ok(s) => Ok(Some(s)),
            Err(e) => Err(self.bad_utf8(idx, e)),
        }
    }

    #[cold]
    fn bad_utf8(&self, idx: Option<usize>, e: std::str::Utf8Error) -> String {
        format!(
            "invalid UTF-8 in column '{}' at byte {}",
            idx.and_then(|i| self.names.get(i))
                .map(String::as_str)
                .unwrap_or("?"),
            e.valid_up_to()
        )
    }
}

/// True if `rec` repeats the header `names` (as [`header_names`] spells them), without
/// allocating: it runs on every row of the readers that allow repeated headers.
fn is_header_row(rec: &csv::ByteRecord, names: &[String]) -> bool {
    rec.len() == names.len()
        && rec.iter().zip(names).all(|(cell, name)| {
            std::str::from_utf8(cell).is_ok_and(|c| {
                c.trim_start_matches('\u{feff}')
                    .trim()
                    .eq_ignore_ascii_case(name)
            })
        })
}

/// Index of the first of `names` present in the header (names are lowercase).
pub(crate) fn col(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| header.iter().position(|h| h == n))
}

/// Turns the lowercased header names into a reader's column plan, or says why not.
pub(crate) type Setup<'a, P> = dyn FnMut(&[String], &mut Ingest) -> Result<P, String> + 'a;
/// Fills the post from one data row.
pub(crate) type FillRow<'a, P> =
    dyn FnMut(&P, &Row<'_>, &mut Ingest, &mut PostRecord) -> Result<Outcome, String> + 'a;

/// How strict [`read_csv_with`] is about a file's rows.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CsvRules {
    /// Rows may have fewer or more cells than the header (weibo-crawler writes 19 cells
    /// for an original under a 39-column header); the row filler checks widths itself.
    pub ragged: bool,
    /// Rows that repeat the header (crawlers that append to a file write it on every run)
    /// are stepped over and counted in a note, not rejected.
    pub repeated_headers: bool,
}

/// Read a CSV with a header. `setup` gets the lowercased header names and returns the
/// reader's column plan or a reason the header is unusable (the file is then rejected
/// at line 1 and skipped); `row` fills the post for each data row.
pub(crate) fn read_csv<P>(
    input: &mut dyn BufRead,
    ingest: &mut Ingest,
    delimiter: Option<u8>,
    setup: &mut Setup<'_, P>,
    row: &mut FillRow<'_, P>,
) -> Result<(), IngestError> {
    read_csv_with(input, ingest, delimiter, CsvRules::default(), setup, row)
}

/// [`read_csv`] with [`CsvRules`].
pub(crate) fn read_csv_with<P>(
    input: &mut dyn BufRead,
    ingest: &mut Ingest,
    delimiter: Option<u8>,
    rules: CsvRules,
    setup: &mut Setup<'_, P>,
    row: &mut FillRow<'_, P>,
) -> Result<(), IngestError> {
    let mut post = PostRecord::default();
    let delim = match delimiter {
        Some(d) => d,
        None => {
            let head = input.fill_buf().map_err(|source| IngestError::Io {
                path: ingest.current_file().into(),
                source,
            })?;
            guess_delimiter(super::first_line(head))
        }
    };
    let max = ingest.options().max_record();
    let mut rows = CsvRecords::new(input, delim);
    let mut rec = csv::ByteRecord::new();
    let mut plan: Option<P> = None;
    let mut names: Vec<String> = Vec::new();
    while let Some(line) = rows.next(&mut rec, ingest)? {
        let Some(p) = plan.as_ref() else {
            names = header_names(&rec);
            match setup(&names, ingest) {
                Ok(p) => plan = Some(p),
                Err(reason) => {
                    ingest.reject(line, reason, &raw_csv(&rec))?;
                    return Ok(());
                }
            }
            continue;
        };
        match check_row(&rec, &names, rules, max) {
            RowCheck::Fill => {}
            RowCheck::Blank => continue,
            RowCheck::RepeatedHeader => {
                ingest.note(REPEATED_HEADERS);
                continue;
            }
            RowCheck::Reject(reason) => {
                ingest.reject(line, reason, &raw_csv(&rec))?;
                continue;
            }
        }
        let r = Row {
            rec: &rec,
            names: &names,
            lines_before: 0,
        };
        match row(p, &r, ingest, &mut post) {
            Ok(Outcome::Post) => ingest.accept(&post),
            Ok(Outcome::Skip(kind)) => ingest.skip(kind),
            Err(reason) => ingest.reject(line, reason, &raw_csv(&rec))?,
        }
    }
    Ok(())
}

/// The note for rows that repeat the header.
const REPEATED_HEADERS: &str = "repeated header rows stepped over";

/// What to do with a data row before filling a post from it.
enum RowCheck {
    /// Fill a post from it.
    Fill,
    /// A blank line: step over it silently.
    Blank,
    /// It repeats the header (allowed by the rules): step over it, noted.
    RepeatedHeader,
    /// Quarantine it for this reason.
    Reject(String),
}

/// The checks every data row passes before a post is filled from it: the record length
/// limit, repeated headers, blank lines and the width of the header.
fn check_row(rec: &csv::ByteRecord, names: &[String], rules: CsvRules, max: usize) -> RowCheck {
    if rec.as_slice().len() > max {
        return RowCheck::Reject(format!("record longer than the limit of {max} bytes"));
    }
    if rules.repeated_headers && is_header_row(rec, names) {
        return RowCheck::RepeatedHeader;
    }
    let blank = rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim_ascii().is_empty());
    if rec.len() != names.len() && blank {
        return RowCheck::Blank;
    }
    if rec.len() != names.len() && !rules.ragged {
        return RowCheck::Reject(format!(
            "expected {} columns as in the header, found {} (wrong delimiter or broken quoting?)",
            names.len(),
            rec.len()
        ));
    }
    RowCheck::Fill
}

/// Fills the post from one data row, on any thread (see [`read_csv_par`]).
pub(crate) type FillRowSync<'a, P> =
    dyn Fn(&P, &Row<'_>, &mut PostRecord) -> Result<Outcome, String> + Sync + 'a;

/// [`read_csv`] on every core, for readers whose rows need nothing but the column plan:
/// the header is read here and given to `setup`; the records after it are cut into blocks
/// ([`par_csv`]), each filled on rayon's pool into a [`BlockOut`], and the blocks are
/// stored in input order ([`Ingest::store_block`]), as a one-thread read stores them.
/// Returns None, having consumed nothing, when the header does not end within the input's
/// first buffer (the caller then reads on one thread).
pub(crate) fn read_csv_par<P: Sync>(
    input: &mut dyn BufRead,
    ingest: &mut Ingest,
    delimiter: Option<u8>,
    setup: &mut Setup<'_, P>,
    fill: &FillRowSync<'_, P>,
) -> Option<Result<(), IngestError>> {
    let file = ingest.current_file().to_string();
    let io = |source| IngestError::Io {
        path: file.clone().into(),
        source,
    };
    let head = match input.fill_buf() {
        Ok(h) => h,
        Err(e) => return Some(Err(io(e))),
    };
    let delim = delimiter.unwrap_or_else(|| guess_delimiter(super::first_line(head)));
    let mut rows = CsvRecords::new(head, delim);
    let mut rec = csv::ByteRecord::new();
    let (line, end) = match rows.next_record(&mut rec) {
        Ok(Some(line)) => (line, rows.byte_position()),
        // Nothing but blank lines, or no record end in the first buffer.
        _ => return None,
    };
    if end as usize >= head.len() {
        return None;
    }
    let names = header_names(&rec);
    let plan = match setup(&names, ingest) {
        Ok(p) => p,
        Err(reason) => return Some(ingest.reject(line, reason, &raw_csv(&rec))),
    };
    let header_lines = memchr::memchr_iter(b'\n', &head[..end as usize]).count() as u64;
    input.consume(end as usize);
    let max = ingest.options().max_record();
    let parse = |block: CsvBlock<'_>| {
        let mut rows = CsvRecords::new(block.bytes, delim);
        let mut rec = csv::ByteRecord::new();
        let mut out = BlockOut::default();
        let mut post = PostRecord::default();
        while let Some(line) = rows.next_in_block(&mut rec, block.lines_before, &mut out) {
            let reject = |out: &mut BlockOut, reason: String, rec: &csv::ByteRecord| {
                out.other(Other::Reject {
                    line,
                    reason,
                    raw: raw_csv(rec),
                })
            };
            match check_row(&rec, &names, CsvRules::default(), max) {
                RowCheck::Fill => {}
                RowCheck::Blank => continue,
                RowCheck::RepeatedHeader => {
                    out.other(Other::Note(REPEATED_HEADERS));
                    continue;
                }
                RowCheck::Reject(reason) => {
                    reject(&mut out, reason, &rec);
                    continue;
                }
            }
            let row = Row {
                rec: &rec,
                names: &names,
                lines_before: block.lines_before,
            };
            match fill(&plan, &row, &mut post) {
                Ok(Outcome::Post) => out.post(&post),
                Ok(Outcome::Skip(kind)) => out.other(Other::Skip(kind)),
                Err(reason) => reject(&mut out, reason, &rec),
            }
        }
        out
    };
    Some(par_csv(
        input,
        delim,
        header_lines,
        &parse,
        &io,
        &mut |block| ingest.store_block(block),
    ))
}
