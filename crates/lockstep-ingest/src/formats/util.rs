//! Helpers shared by the readers: the JSON record driver, first-record shape for
//! detection, id hygiene and list cells.

use super::header_names;
use super::json::parse;
use crate::ingest::{BlockOut, Other};
use crate::records::{
    par_lines, Action, Event, JsonScanner, Line, LineBlock, Lines, Malformed, Piece, Seg,
};
use crate::{Ingest, IngestError};
use lockstep_model::PostRecord;
use serde_json::Value;
use std::io::BufRead;

/// Where a JSON record came from, for rejections.
#[derive(Clone, Copy, Debug)]
pub(crate) struct At {
    /// 1-based line where the record starts.
    pub line: u64,
    /// Index of the element in a JSON array document, if it came from one.
    pub index: Option<u64>,
}

impl At {
    /// A prefix for reasons: `element 12: ` for array documents, empty for lines.
    pub(crate) fn prefix(&self) -> String {
        match self.index {
            Some(i) => format!("element {i} (0-based) of the JSON array: "),
            None => String::new(),
        }
    }
}

/// Handles one JSON record's bytes.
pub(crate) type RecordFn<'a> = dyn FnMut(&mut Ingest, At, &[u8]) -> Result<(), IngestError> + 'a;

/// What a reader made of one record.
pub(crate) enum Outcome {
    /// The post was filled: accept it.
    Post,
    /// Not a post (a like, a stream notice, an account row): count it under this kind.
    Skip(&'static str),
}

/// Fills the post from one parsed JSON record, or says why the record is unusable. It
/// runs on several threads at once for JSON lines (see [`json_posts`]), hence `Fn + Sync`:
/// a reader that counts something across records keeps an atomic or a mutex.
pub(crate) type FillJson<'a> =
    dyn Fn(At, &Value, &mut PostRecord) -> Result<Outcome, String> + Sync + 'a;

/// [`json_records`] for readers that make at most one post of a record: each record is
/// parsed and handed to `fill`, whose answer is accepted, counted or quarantined here, so
/// these readers all word and place rejections the same way.
pub(crate) fn json_posts(
    input: &mut dyn BufRead,
    ingest: &mut Ingest,
    fill: &FillJson<'_>,
) -> Result<(), IngestError> {
    json_posts_typed(input, ingest, None, fill)
}

/// A reader's typed fast path: fills the post straight from a record's text (valid
/// UTF-8), or says None to have the record parsed into a `Value` and handed to the
/// reader's [`FillJson`], whose answer then stands. It must answer only where `FillJson`
/// would answer the same (see `formats/typed.rs`).
pub(crate) type FastJson<'a> = dyn Fn(&str, &mut PostRecord) -> Option<Outcome> + Sync + 'a;

/// [`json_posts`] with a typed fast path tried first on every record.
pub(crate) fn json_posts_typed(
    input: &mut dyn BufRead,
    ingest: &mut Ingest,
    fast: Option<&FastJson<'_>>,
    fill: &FillJson<'_>,
) -> Result<(), IngestError> {
    if json_mode(input, ingest)? == Mode::Lines && rayon::current_num_threads() > 1 {
        return json_lines_par(input, ingest, fast, fill);
    }
    let mut post = PostRecord::default();
    json_records(input, ingest, &mut |ingest, at, bytes| {
        match fill_record(fast, fill, at, bytes, &mut post) {
            Ok(Outcome::Post) => ingest.accept(&post),
            Ok(Outcome::Skip(kind)) => ingest.skip(kind),
            Err(reason) => return ingest.reject(at.line, reason, bytes),
        }
        Ok(())
    })
}

/// Parse one JSON record and fill the post from it; an error is the rejection's reason,
/// worded the same on one thread and on many.
fn fill_record(
    fast: Option<&FastJson<'_>>,
    fill: &FillJson<'_>,
    at: At,
    bytes: &[u8],
    post: &mut PostRecord,
) -> Result<Outcome, String> {
    if let (Some(fast), Ok(text)) = (fast, std::str::from_utf8(bytes)) {
        if let Some(outcome) = fast(text, post) {
            return Ok(outcome);
        }
    }
    parse(bytes)
        .and_then(|v| fill(at, &v, post))
        .map_err(|r| format!("{}{r}", at.prefix()))
}

/// The rejection reason of a JSON line over the record limit.
fn too_long_line(len: u64, max: usize) -> String {
    format!("line of {len} bytes is longer than the limit of {max} bytes")
}

/// [`json_posts`] for JSON lines on every core: each block of lines is parsed and filled
/// on rayon's pool ([`par_lines`]) into a [`BlockOut`] (posts with block-local interning,
/// skips and rejections in their places), and blocks are stored here in input order
/// ([`Ingest::store_block`]), so the table, the counts and the quarantine are those of a
/// one-thread read.
fn json_lines_par(
    input: &mut dyn BufRead,
    ingest: &mut Ingest,
    fast: Option<&FastJson<'_>>,
    fill: &FillJson<'_>,
) -> Result<(), IngestError> {
    let max = ingest.options().max_record();
    let path = ingest.current_file().to_string();
    let mut lines = Lines::new(input, max);
    let work = |block: LineBlock<'_>| {
        let mut out = BlockOut::default();
        let mut post = PostRecord::default();
        for (line, bytes) in block.iter() {
            let at = At { line, index: None };
            match fill_record(fast, fill, at, bytes, &mut post) {
                Ok(Outcome::Post) => out.post(&post),
                Ok(Outcome::Skip(kind)) => out.other(Other::Skip(kind)),
                Err(reason) => out.other(Other::Reject {
                    line,
                    reason,
                    raw: bytes.to_vec(),
                }),
            }
        }
        out
    };
    let io = |source| IngestError::Io {
        path: path.clone().into(),
        source,
    };
    par_lines(&mut lines, &work, &io, &mut |piece| match piece {
        Piece::Parsed(block) => ingest.store_block(block),
        Piece::TooLong { line, len, prefix } => {
            ingest.reject(line, too_long_line(len, max), &prefix)
        }
    })
}

/// Which of [`json_records`]' layouts the input has, from its first buffer.
fn json_mode(input: &mut dyn BufRead, ingest: &Ingest) -> Result<Mode, IngestError> {
    let head = input.fill_buf().map_err(|source| IngestError::Io {
        path: ingest.current_file().into(),
        source,
    })?;
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = head.iter().position(|b| !b.is_ascii_whitespace());
    Ok(match first.map(|i| (i, head[i])) {
        Some((_, b'[')) => Mode::Array,
        Some((i, b'{')) => {
            let rest = &head[i + 1..];
            let eol = rest.iter().position(|&b| b == b'\n');
            match eol {
                Some(e) if rest[..e].iter().all(|b| b.is_ascii_whitespace()) => Mode::Pretty,
                _ => Mode::Lines,
            }
        }
        _ => Mode::Lines,
    })
}

/// Read JSON records: one per line (JSON lines), or, when the input starts with `[`, the
/// elements of a top-level array, or, when the first line is a lone `{`, pretty-printed
/// values one after another. `handle` gets each record's bytes.
pub(crate) fn json_records(
    input: &mut dyn BufRead,
    ingest: &mut Ingest,
    handle: &mut RecordFn<'_>,
) -> Result<(), IngestError> {
    let max = ingest.options().max_record();
    let io_err = |ingest: &Ingest, source| IngestError::Io {
        path: ingest.current_file().into(),
        source,
    };
    let mode = json_mode(input, ingest)?;
    match mode {
        Mode::Lines => {
            let mut lines = Lines::new(input, max);
            loop {
                let next = lines.next_line().map_err(|e| io_err(ingest, e))?;
                let Some((n, line)) = next else { break };
                match line {
                    Line::Ok(bytes) => {
                        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                            continue;
                        }
                        handle(
                            ingest,
                            At {
                                line: n,
                                index: None,
                            },
                            bytes,
                        )?;
                    }
                    Line::TooLong { len, prefix } => {
                        ingest.reject(n, too_long_line(len, max), prefix)?;
                    }
                }
            }
        }
        Mode::Array | Mode::Pretty => {
            let array = mode == Mode::Array;
            let mut sc = JsonScanner::new(input, max);
            let mut select = |p: &[Seg]| match (array, p.len()) {
                (true, 0) => Action::Descend,
                (true, 1) => Action::Capture,
                (false, 0) => Action::Capture,
                _ => Action::Skip,
            };
            loop {
                let ev = sc.next_event(&mut select).map_err(|e| io_err(ingest, e))?;
                let Some(ev) = ev else { break };
                match ev {
                    Event::Value {
                        path, bytes, line, ..
                    } => {
                        let index = match path.last() {
                            Some(Seg::Index(i)) => Some(*i),
                            _ => None,
                        };
                        handle(ingest, At { line, index }, bytes)?;
                    }
                    Event::TooLong {
                        prefix, line, len, ..
                    } => {
                        ingest.reject(
                            line,
                            format!(
                                "JSON value of {len} bytes is longer than the limit of {max} bytes"
                            ),
                            prefix,
                        )?;
                    }
                    Event::Error(e) => reject_malformed(ingest, ("JSON document", "file"), &e)?,
                }
            }
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Lines,
    Array,
    Pretty,
}

/// What the first JSON record in a head looks like.
#[derive(Debug, Default)]
pub(crate) struct HeadShape {
    /// True if the input is a JSON array of records.
    pub array: bool,
    /// Keys of the first record (or of the first array element), in order, as far as the
    /// head reaches.
    pub keys: Vec<String>,
    /// Top-level string values of the first record, for keys that detection cares about
    /// (`_`, `kind`, `type`, `event`).
    pub tags: Vec<(String, String)>,
}

impl HeadShape {
    /// True if the first record has key `k`.
    pub(crate) fn has(&self, k: &str) -> bool {
        self.keys.iter().any(|x| x == k)
    }
    /// The string value of top-level key `k`, if captured.
    pub(crate) fn tag(&self, k: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
    }
}

/// Read the keys of the first JSON record of `head` (which may be cut anywhere).
pub(crate) fn head_shape(head: &[u8]) -> HeadShape {
    let h = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = h.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let array = first == Some(b'[');
    if !(array || first == Some(b'{')) {
        return HeadShape::default();
    }
    let mut shape = HeadShape {
        array,
        ..HeadShape::default()
    };
    let mut r: &[u8] = h;
    let mut sc = JsonScanner::new(&mut r, 1 << 20);
    let depth = if array { 2 } else { 1 };
    let mut keys: Vec<String> = Vec::new();
    let mut done = false;
    let mut tops = 0;
    let mut select = |p: &[Seg]| {
        if done {
            return Action::Skip;
        }
        if p.is_empty() {
            tops += 1;
            if tops > 1 {
                done = true;
                return Action::Skip;
            }
        }
        if p.len() < depth {
            if array && p.len() == 1 && p[0] != Seg::Index(0) {
                done = true;
                return Action::Skip;
            }
            return Action::Descend;
        }
        if p.len() == depth {
            if let Some(Seg::Key(k)) = p.last() {
                let k = String::from_utf8_lossy(k).into_owned();
                let want = matches!(k.as_str(), "_" | "kind" | "type" | "event" | "@type");
                keys.push(k);
                if want {
                    return Action::Capture;
                }
            }
        }
        Action::Skip
    };
    let mut tags = Vec::new();
    for _ in 0..10_000 {
        match sc.next_event(&mut select) {
            Ok(Some(Event::Value { path, bytes, .. })) => {
                if let (Some(Seg::Key(k)), Ok(serde_json::Value::String(v))) = (
                    path.last(),
                    serde_json::from_slice::<serde_json::Value>(bytes),
                ) {
                    tags.push((String::from_utf8_lossy(k).into_owned(), v));
                }
            }
            Ok(Some(Event::TooLong { .. })) => {}
            Ok(Some(Event::Error(_))) | Ok(None) | Err(_) => break,
        }
    }
    drop(sc);
    shape.keys = keys;
    shape.tags = tags;
    shape
}

/// The header names of a CSV head (first record), lowercased and trimmed, with the
/// delimiter guessed among `,`, `;`, tab and `|` (or `forced`).
pub(crate) fn csv_header(head: &[u8], forced: Option<u8>) -> Option<(u8, Vec<String>)> {
    let line = super::first_line(head);
    if line.is_empty() || line.starts_with(b"{") || line.starts_with(b"[") {
        return None;
    }
    let delim = forced.unwrap_or_else(|| guess_delimiter(line));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delim)
        .flexible(true)
        .from_reader(line);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => Some((delim, header_names(&rec))),
        _ => None,
    }
}

/// The most frequent of `,`, `;`, tab and `|` outside quotes in a header line.
pub(crate) fn guess_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut in_q = false;
    for &b in line {
        if b == b'"' {
            in_q = !in_q;
        } else if !in_q {
            if let Some(i) = cands.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        cands[best]
    }
}

/// Trim an id and check it is usable: not empty, and not a number mangled by a
/// spreadsheet (`9.06E+17`).
pub(crate) fn clean_id<'a>(s: &'a str, what: &str) -> Result<&'a str, String> {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return Err(format!("empty {what}"));
    }
    if looks_rounded(t) {
        return Err(format!(
            "{what} '{t}' looks rounded by a spreadsheet (scientific notation); the real id is lost"
        ));
    }
    if t.len() > 1024 {
        return Err(format!("{what} longer than 1024 characters"));
    }
    Ok(t)
}

/// Quarantine what a JSON scan stopped on: the value being captured when it broke (at the
/// line where that value began), or nothing at the error's line; the reason says where the
/// error is and that the rest of the input (`names.1`) is skipped.
pub(crate) fn reject_malformed(
    ingest: &mut Ingest,
    names: (&str, &str),
    e: &Malformed<'_>,
) -> Result<(), IngestError> {
    let (what, rest) = names;
    let (line, offset, msg) = (e.line, e.offset, &e.msg);
    let (at, raw) = match e.partial_at {
        Some((pl, _)) => (pl, e.partial),
        None => (line, &[][..]),
    };
    ingest.reject(
        at,
        format!(
            "malformed {what} at line {line}, byte offset {offset}: {msg}; the rest of the {rest} is skipped"
        ),
        raw,
    )
}

/// `9.06E+17`, `1.2e18`: digits, optional fraction, exponent. A spreadsheet keeps at most
/// 15 significant digits and writes exponents of up to three digits, so a 32-character
/// hex hash that happens to be digits around one `e` (`8291130010...394035e4`, as in
/// CHECKED) is not one.
fn looks_rounded(t: &str) -> bool {
    let b = t.as_bytes();
    let Some(e) = b.iter().position(|&c| c == b'e' || c == b'E') else {
        return false;
    };
    let (m, x) = (&b[..e], &b[e + 1..]);
    let x = x.strip_prefix(b"+").unwrap_or(x);
    let digits = m.iter().filter(|c| c.is_ascii_digit()).count();
    !m.is_empty()
        && m.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && m[0].is_ascii_digit()
        && digits <= 17
        && !x.is_empty()
        && x.len() <= 3
        && x.iter().all(u8::is_ascii_digit)
}

/// Push `s` (trimmed) unless empty or present.
pub(crate) fn push_unique(out: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if !s.is_empty() && !out.iter().any(|o| o == s) {
        out.push(s.to_string());
    }
}

/// Items of a list cell in any of the spellings exports use: JSON (`["a","b"]`), Python
/// (`['a', 'b']`), bracketed bare (`[a, b]`), or delimited by spaces, commas, semicolons
/// or pipes (`a b`, `a;b`). `None`, `NaN`, `null` and `[]` are empty. Items that are JSON
/// objects are passed through as their JSON text.
pub(crate) fn list_cell(cell: &str, out: &mut Vec<String>) {
    let c = cell.trim();
    if c.is_empty() || matches!(c, "[]" | "None" | "none" | "NaN" | "nan" | "null" | "NULL") {
        return;
    }
    if let Some(open) = c.strip_prefix('[') {
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(c) {
            for it in items {
                match it {
                    serde_json::Value::String(s) => push_unique(out, &s),
                    serde_json::Value::Number(n) => push_unique(out, &n.to_string()),
                    serde_json::Value::Null => {}
                    other => push_unique(out, &other.to_string()),
                }
            }
            return;
        }
        let inner = open.strip_suffix(']').unwrap_or(open);
        split_items(inner, &[','], out);
        return;
    }
    let seps: &[char] = if c.contains(';') {
        &[';']
    } else if c.contains('|') {
        &['|']
    } else if c.contains(',') {
        &[',']
    } else {
        &[' ', '\t', '\n']
    };
    split_items(c, seps, out);
}

fn split_items(inner: &str, seps: &[char], out: &mut Vec<String>) {
    // Python reprs quote items with ' or "; commas inside quotes stay.
    let mut item = String::new();
    let mut quote: Option<char> = None;
    let mut chars = inner.chars().peekable();
    while let Some(ch) = chars.next() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) if ch == '\\' => {
                if let Some(n) = chars.next() {
                    item.push(n);
                }
            }
            Some(_) => item.push(ch),
            None if (ch == '\'' || ch == '"') && matches!(item.trim(), "" | "u" | "b") => {
                item.clear();
                quote = Some(ch);
            }
            None if seps.contains(&ch) => {
                push_item(out, &item);
                item.clear();
            }
            None => item.push(ch),
        }
    }
    push_item(out, &item);
}

fn push_item(out: &mut Vec<String>, item: &str) {
    let t = item.trim();
    let t = t
        .strip_prefix('u')
        .filter(|r| r.starts_with('\'') || r.starts_with('"'))
        .unwrap_or(t);
    let t = t.trim_matches(|c| c == '\'' || c == '"');
    if !matches!(t, "None" | "nan" | "NaN" | "null") {
        push_unique(out, t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(c: &str) -> Vec<String> {
        let mut v = Vec::new();
        list_cell(c, &mut v);
        v
    }

    #[test]
    fn list_spellings() {
        let want = vec!["a".to_string(), "b c".to_string()];
        assert_eq!(list(r#"["a", "b c"]"#), want);
        assert_eq!(list("['a', 'b c']"), want);
        assert_eq!(list("[a, b c]"), want);
        assert_eq!(list("a;b c"), want);
        assert_eq!(list("a|b c"), want);
        assert_eq!(list("a b"), vec!["a", "b"]);
        assert_eq!(list("[u'a', u\"b, c\"]"), vec!["a", "b, c"]);
        assert_eq!(list("[123, 456]"), vec!["123", "456"]);
        assert!(list("[]").is_empty());
        assert!(list("").is_empty());
        assert!(list("None").is_empty());
    }

    #[test]
    fn ids() {
        assert_eq!(clean_id(" 123\t", "id"), Ok("123"));
        assert!(clean_id("9.06E+17", "id").is_err());
        assert!(clean_id("1e18", "id").is_err());
        assert!(clean_id("", "id").is_err());
        assert_eq!(clean_id("abc-e5", "id"), Ok("abc-e5"));
        assert!(clean_id("1.23457E+18", "id").is_err());
        let hash = "829113001030732589941458394035e4";
        assert_eq!(clean_id(hash, "id"), Ok(hash));
    }

    #[test]
    fn shapes() {
        let s = head_shape(br#"{"data": [{"id": "1"}], "includes": {"#);
        assert_eq!(s.keys, vec!["data", "includes"]);
        let s = head_shape(br#"[{"_": "Message", "id": 5}, {"x": 1}]"#);
        assert!(s.array);
        assert_eq!(s.keys, vec!["_", "id"]);
        assert_eq!(s.tag("_"), Some("Message"));
        let s = head_shape(b"{\"did\":\"x\",\"kind\":\"commit\"}\n{\"other\":1}\n");
        assert_eq!(s.keys, vec!["did", "kind"]);
        assert_eq!(s.tag("kind"), Some("commit"));
    }

    #[test]
    fn delimiters() {
        assert_eq!(guess_delimiter(b"a;b;c"), b';');
        assert_eq!(guess_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(guess_delimiter(b"\"a,b\";c"), b';');
        assert_eq!(guess_delimiter(b"abc"), b',');
    }
}
