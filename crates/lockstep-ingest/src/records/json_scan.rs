//! [`JsonScanner`]: a structural walk over JSON values in a stream.

use super::{fill_buf, KEEP_PREFIX};
use std::io::{self, BufRead};

/// One step of a path into a JSON document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A member of an object (the key's raw bytes, escapes not decoded).
    Key(Vec<u8>),
    /// An element of an array.
    Index(u64),
}

impl Seg {
    /// True if this is the key `k`.
    pub(crate) fn is(&self, k: &str) -> bool {
        matches!(self, Seg::Key(b) if b == k.as_bytes())
    }
}

/// What to do with a value the scanner reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Hand out the whole value as one [`Event::Value`].
    Capture,
    /// Walk into it (an object or array; for a scalar, the same as Skip).
    Descend,
    /// Step over it.
    Skip,
}

/// What the scanner found.
pub(crate) enum Event<'a> {
    /// A captured value.
    Value {
        path: &'a [Seg],
        bytes: &'a [u8],
        line: u64,
        offset: u64,
    },
    /// A captured value longer than the limit (skipped; `prefix` holds its start).
    TooLong {
        prefix: &'a [u8],
        line: u64,
        offset: u64,
        len: u64,
    },
    /// The document is malformed here; scanning stops.
    Error(Malformed<'a>),
}

/// Where and why a JSON document is malformed.
pub(crate) struct Malformed<'a> {
    pub line: u64,
    pub offset: u64,
    pub msg: String,
    /// The start of the value being captured when the error struck, if any.
    pub partial: &'a [u8],
    /// Line and offset where that partial value began.
    pub partial_at: Option<(u64, u64)>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// A value (array start: value or `]`).
    ValueOrEnd,
    Value,
    KeyOrEnd,
    Key,
    Colon,
    CommaOrEnd,
}

#[derive(Debug)]
struct Frame {
    is_obj: bool,
    expect: Expect,
    next_index: u64,
}

/// A structural walk over one or more JSON values in a stream.
pub(crate) struct JsonScanner<'r> {
    inner: &'r mut dyn BufRead,
    line: u64,
    offset: u64,
    max: usize,
    path: Vec<Seg>,
    frames: Vec<Frame>,
    buf: Vec<u8>,
    last_path: Vec<Seg>,
    failed: bool,
    started: bool,
}

impl<'r> JsonScanner<'r> {
    pub(crate) fn new(inner: &'r mut dyn BufRead, max: usize) -> Self {
        Self {
            inner,
            line: 1,
            offset: 0,
            max: max.max(1),
            path: Vec::new(),
            frames: Vec::new(),
            buf: Vec::new(),
            last_path: Vec::new(),
            failed: false,
            started: false,
        }
    }

    fn bump(&mut self, b: u8) {
        self.inner.consume(1);
        self.offset += 1;
        if b == b'\n' {
            self.line += 1;
        }
    }

    /// Skip whitespace; returns the next byte without consuming it.
    fn skip_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            let (n, lines, next) = {
                let avail = fill_buf(&mut *self.inner)?;
                if avail.is_empty() {
                    return Ok(None);
                }
                let mut n = 0;
                let mut lines = 0;
                while n < avail.len() && matches!(avail[n], b' ' | b'\t' | b'\r' | b'\n') {
                    if avail[n] == b'\n' {
                        lines += 1;
                    }
                    n += 1;
                }
                (n, lines, avail.get(n).copied())
            };
            self.inner.consume(n);
            self.offset += n as u64;
            self.line += lines;
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Skip a byte-order mark at the very start.
    fn skip_bom(&mut self) -> io::Result<()> {
        let avail = self.inner.fill_buf()?;
        if avail.starts_with(b"\xef\xbb\xbf") {
            self.inner.consume(3);
            self.offset += 3;
        }
        Ok(())
    }

    /// Read one whole value starting at the current byte. With `keep`, its bytes are
    /// stored in `self.buf` up to the limit. Returns Ok(Err(msg)) on malformed input and
    /// Ok(Ok(len)) with the value's length.
    fn read_value(&mut self, keep: bool) -> io::Result<Result<u64, String>> {
        self.buf.clear();
        let mut depth: usize = 0;
        let mut in_str = false;
        let mut esc = false;
        let mut len: u64 = 0;
        let mut scalar = false;
        let mut stack: Vec<u8> = Vec::new();
        let max = self.max;
        loop {
            let (consumed, lines, done, err) = {
                let avail = fill_buf(&mut *self.inner)?;
                if avail.is_empty() {
                    if scalar && !in_str {
                        return Ok(Ok(len));
                    }
                    return Ok(Err("unexpected end of input (truncated JSON)".into()));
                }
                let mut i = 0;
                let mut lines = 0u64;
                let mut done = false;
                let mut err: Option<String> = None;
                while i < avail.len() {
                    let b = avail[i];
                    if len == 0 && i == 0 && depth == 0 && !in_str && !scalar {
                        // First byte of the value.
                        match b {
                            b'{' | b'[' => {
                                stack.push(b);
                                depth = 1;
                            }
                            b'"' => in_str = true,
                            b'}' | b']' | b',' | b':' => {
                                err = Some(format!("unexpected '{}'", b as char));
                                break;
                            }
                            _ => scalar = true,
                        }
                        i += 1;
                        continue;
                    }
                    if in_str {
                        if esc {
                            esc = false;
                        } else if b == b'\\' {
                            esc = true;
                        } else if b == b'"' {
                            in_str = false;
                            if depth == 0 {
                                i += 1;
                                done = true;
                                break;
                            }
                        } else if b == b'\n' {
                            err = Some("line break inside a string".into());
                            break;
                        }
                        i += 1;
                        continue;
                    }
                    if scalar {
                        if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                            done = true;
                            break;
                        }
                        if matches!(b, b'{' | b'[' | b'"' | b':') {
                            err = Some(format!("unexpected '{}' after a scalar", b as char));
                            break;
                        }
                        i += 1;
                        continue;
                    }
                    match b {
                        b'"' => in_str = true,
                        b'{' | b'[' => {
                            stack.push(b);
                            depth += 1;
                        }
                        b'}' | b']' => {
                            let open = stack.pop();
                            let want = if b == b'}' { b'{' } else { b'[' };
                            if open != Some(want) {
                                err = Some(format!("mismatched '{}'", b as char));
                                break;
                            }
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                done = true;
                                break;
                            }
                        }
                        b'\n' => lines += 1,
                        _ => {}
                    }
                    i += 1;
                }
                if keep {
                    let room = max.saturating_sub(self.buf.len());
                    if room > 0 {
                        self.buf.extend_from_slice(&avail[..i.min(room)]);
                    }
                }
                (i, lines, done, err)
            };
            self.inner.consume(consumed);
            self.offset += consumed as u64;
            self.line += lines;
            len += consumed as u64;
            if let Some(e) = err {
                return Ok(Err(e));
            }
            if done {
                return Ok(Ok(len));
            }
        }
    }

    /// Read a key string (after the opening quote was peeked) into a Vec.
    fn read_key(&mut self) -> io::Result<Result<Vec<u8>, String>> {
        match self.read_value(true)? {
            Ok(_) => {
                let b = &self.buf;
                if b.len() >= 2 && b[0] == b'"' && b[b.len() - 1] == b'"' {
                    Ok(Ok(b[1..b.len() - 1].to_vec()))
                } else {
                    Ok(Err("expected a string key".into()))
                }
            }
            Err(e) => Ok(Err(e)),
        }
    }

    fn fail(&mut self, msg: String) -> Pending {
        self.failed = true;
        Pending::Error(Malformed {
            line: self.line,
            offset: self.offset,
            msg,
            partial: &[],
            partial_at: None,
        })
    }

    /// Advance to the next captured value (or error). `select` is asked, for each value
    /// reached, what to do with it given its path.
    pub(crate) fn next_event(
        &mut self,
        select: &mut dyn FnMut(&[Seg]) -> Action,
    ) -> io::Result<Option<Event<'_>>> {
        if self.failed {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            self.skip_bom()?;
        }
        let pending = loop {
            match self.step(select)? {
                Step::Continue => continue,
                Step::End => return Ok(None),
                Step::Ready(p) => break p,
            }
        };
        Ok(Some(match pending {
            Pending::Value { line, offset } => Event::Value {
                path: &self.last_path,
                bytes: &self.buf,
                line,
                offset,
            },
            Pending::TooLong { line, offset, len } => {
                let n = self.buf.len().min(KEEP_PREFIX);
                Event::TooLong {
                    prefix: &self.buf[..n],
                    line,
                    offset,
                    len,
                }
            }
            Pending::Error(e) => Event::Error(Malformed {
                partial: if e.partial_at.is_some() {
                    &self.buf
                } else {
                    &[]
                },
                ..e
            }),
        }))
    }

    fn step(&mut self, select: &mut dyn FnMut(&[Seg]) -> Action) -> io::Result<Step> {
        let next = self.skip_ws()?;
        let Some(b) = next else {
            if self.frames.is_empty() {
                return Ok(Step::End);
            }
            return Ok(Step::Ready(
                self.fail("unexpected end of input (truncated JSON)".into()),
            ));
        };
        let Some(&Frame { is_obj, expect, .. }) = self.frames.last() else {
            // Top level: a (further) value.
            return self.value_here(b, select);
        };
        match expect {
            Expect::ValueOrEnd if b == b']' => {
                self.bump(b);
                self.close();
            }
            Expect::KeyOrEnd if b == b'}' => {
                self.bump(b);
                self.close();
            }
            Expect::CommaOrEnd => match (b, is_obj) {
                (b',', true) => {
                    self.set_expect(Expect::Key);
                    self.bump(b);
                }
                (b',', false) => {
                    self.set_expect(Expect::Value);
                    self.bump(b);
                }
                (b'}', true) | (b']', false) => {
                    self.bump(b);
                    self.close();
                }
                _ => {
                    let msg = format!(
                        "expected ',' or the end of a container, found '{}'",
                        b as char
                    );
                    return Ok(Step::Ready(self.fail(msg)));
                }
            },
            Expect::KeyOrEnd | Expect::Key => {
                if b != b'"' {
                    let msg = format!("expected a key, found '{}'", b as char);
                    return Ok(Step::Ready(self.fail(msg)));
                }
                match self.read_key()? {
                    Ok(k) => {
                        self.set_expect(Expect::Colon);
                        self.path.push(Seg::Key(k));
                    }
                    Err(msg) => return Ok(Step::Ready(self.fail(msg))),
                }
            }
            Expect::Colon => {
                if b != b':' {
                    let msg = format!("expected ':', found '{}'", b as char);
                    return Ok(Step::Ready(self.fail(msg)));
                }
                self.bump(b);
                self.set_expect(Expect::Value);
            }
            Expect::Value | Expect::ValueOrEnd => {
                if !is_obj {
                    if let Some(t) = self.frames.last_mut() {
                        let i = t.next_index;
                        t.next_index += 1;
                        self.path.push(Seg::Index(i));
                    }
                }
                self.set_expect(Expect::CommaOrEnd);
                return self.value_here(b, select);
            }
        }
        Ok(Step::Continue)
    }

    fn set_expect(&mut self, e: Expect) {
        if let Some(t) = self.frames.last_mut() {
            t.expect = e;
        }
    }

    /// Close the innermost container and pop its path segment.
    fn close(&mut self) {
        self.frames.pop();
        if !self.frames.is_empty() {
            self.path.pop();
        }
    }

    /// Handle a value starting with byte `b` at the current path: descend into it, skip
    /// it, or capture it (then an event is ready).
    fn value_here(&mut self, b: u8, select: &mut dyn FnMut(&[Seg]) -> Action) -> io::Result<Step> {
        let action = select(&self.path);
        let container = b == b'{' || b == b'[';
        if action == Action::Descend && container {
            self.bump(b);
            self.frames.push(Frame {
                is_obj: b == b'{',
                expect: if b == b'{' {
                    Expect::KeyOrEnd
                } else {
                    Expect::ValueOrEnd
                },
                next_index: 0,
            });
            return Ok(Step::Continue);
        }
        let keep = action == Action::Capture;
        let (line, offset) = (self.line, self.offset);
        let res = self.read_value(keep)?;
        // The value is done: drop its path segment (the container's frame stays).
        let seg = if self.frames.is_empty() {
            None
        } else {
            self.path.pop()
        };
        match res {
            Err(msg) => {
                self.failed = true;
                Ok(Step::Ready(Pending::Error(Malformed {
                    line: self.line,
                    offset: self.offset,
                    msg,
                    partial: &[],
                    partial_at: keep.then_some((line, offset)),
                })))
            }
            Ok(_) if !keep => Ok(Step::Continue),
            Ok(len) => {
                self.last_path.clear();
                self.last_path.extend_from_slice(&self.path);
                if let Some(s) = seg {
                    self.last_path.push(s);
                }
                if len as usize > self.max || (self.buf.len() as u64) < len {
                    return Ok(Step::Ready(Pending::TooLong { line, offset, len }));
                }
                Ok(Step::Ready(Pending::Value { line, offset }))
            }
        }
    }
}

enum Step {
    Continue,
    End,
    Ready(Pending),
}

enum Pending {
    Value {
        line: u64,
        offset: u64,
    },
    TooLong {
        line: u64,
        offset: u64,
        len: u64,
    },
    /// `partial` is left empty: [`JsonScanner::next_event`] points it into the buffer.
    Error(Malformed<'static>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(input: &[u8], sel: &mut dyn FnMut(&[Seg]) -> Action) -> Vec<String> {
        let mut r: &[u8] = input;
        let mut s = JsonScanner::new(&mut r, 1000);
        let mut out = Vec::new();
        while let Some(ev) = s.next_event(sel).unwrap() {
            match ev {
                Event::Value { bytes, line, .. } => {
                    out.push(format!("{line}:{}", String::from_utf8_lossy(bytes)))
                }
                Event::TooLong { line, len, .. } => out.push(format!("{line}:toolong {len}")),
                Event::Error(e) => out.push(format!("{}:error {}", e.line, e.msg)),
            }
        }
        out
    }
    #[test]
    fn scanner_picks_messages() {
        let doc = br#"{"name": "x", "id": 5,
 "messages": [
  {"id": 1, "text": "a]}\"{"},
  {"id": 2, "text": ["b", {"type": "link"}]}
 ]}"#;
        let got = scan(doc, &mut |p: &[Seg]| match p {
            [] => Action::Descend,
            [k] if k.is("messages") => Action::Descend,
            [k] if k.is("id") => Action::Capture,
            [k, Seg::Index(_)] if k.is("messages") => Action::Capture,
            _ => Action::Skip,
        });
        assert_eq!(
            got,
            vec![
                "1:5".to_string(),
                r#"3:{"id": 1, "text": "a]}\"{"}"#.to_string(),
                r#"4:{"id": 2, "text": ["b", {"type": "link"}]}"#.to_string(),
            ]
        );
    }
    #[test]
    fn scanner_reports_truncation() {
        let doc = br#"[{"a": 1}, {"b": [1, 2"#;
        let got = scan(doc, &mut |p: &[Seg]| match p {
            [] => Action::Descend,
            _ => Action::Capture,
        });
        assert_eq!(got[0], r#"1:{"a": 1}"#);
        assert!(got[1].contains("truncated"), "{got:?}");
        assert_eq!(got.len(), 2);
    }
    #[test]
    fn scanner_top_level_values() {
        let doc = b"{\"a\":\n 1}\n{\"b\": 2} [3]";
        let got = scan(doc, &mut |_p: &[Seg]| Action::Capture);
        assert_eq!(got, vec!["1:{\"a\":\n 1}", "3:{\"b\": 2}", "3:[3]"]);
    }
    #[test]
    fn scanner_too_long_and_garbage() {
        let big = format!("[\"{}\", 1]", "x".repeat(2000));
        let got = scan(big.as_bytes(), &mut |p: &[Seg]| match p {
            [] => Action::Descend,
            _ => Action::Capture,
        });
        assert_eq!(got, vec!["1:toolong 2002".to_string(), "1:1".to_string()]);
        let got = scan(b"[1 2]", &mut |p: &[Seg]| match p {
            [] => Action::Descend,
            _ => Action::Capture,
        });
        assert_eq!(got[0], "1:1");
        assert!(got[1].contains("error"));
    }
}
