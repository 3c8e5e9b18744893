//! [`Lines`]: the lines of a stream with a length limit.

use super::{fill_buf, KEEP_PREFIX};
use memchr::memchr;
use std::io::{self, BufRead};

/// One line, or the fact that it was too long.
pub(crate) enum Line<'a> {
    /// The line's bytes, without the line end (`\n` or `\r\n`) and, on the first line,
    /// without a UTF-8 byte-order mark.
    Ok(&'a [u8]),
    /// The line exceeded the limit; `len` is its full length, `prefix` its first bytes.
    TooLong { len: u64, prefix: &'a [u8] },
}

/// Lines of a stream with a length limit.
pub(crate) struct Lines<'r> {
    inner: &'r mut dyn BufRead,
    buf: Vec<u8>,
    line_no: u64,
    max: usize,
    first: bool,
}

impl<'r> Lines<'r> {
    pub(crate) fn new(inner: &'r mut dyn BufRead, max: usize) -> Self {
        Self {
            inner,
            buf: Vec::new(),
            line_no: 0,
            max: max.max(1),
            first: true,
        }
    }

    /// The next line and its 1-based number, or None at the end of the stream.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        self.buf.clear();
        if self.first {
            let head = self.inner.fill_buf()?;
            if head.starts_with(b"\xef\xbb\xbf") {
                self.inner.consume(3);
            }
        }
        let mut len: u64 = 0;
        let mut too_long = false;
        let mut saw_any = false;
        loop {
            let avail = fill_buf(&mut *self.inner)?;
            if avail.is_empty() {
                if !saw_any {
                    return Ok(None);
                }
                break;
            }
            saw_any = true;
            let (chunk, used, done) = match memchr(b'\n', avail) {
                Some(i) => (&avail[..i], i + 1, true),
                None => (avail, avail.len(), false),
            };
            len += chunk.len() as u64;
            if !too_long && self.buf.len() + chunk.len() > self.max {
                too_long = true;
                let room = KEEP_PREFIX.saturating_sub(self.buf.len());
                self.buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                self.buf.truncate(KEEP_PREFIX);
            } else if !too_long {
                self.buf.extend_from_slice(chunk);
            }
            self.inner.consume(used);
            if done {
                break;
            }
        }
        self.line_no += 1;
        self.first = false;
        if too_long {
            return Ok(Some((
                self.line_no,
                Line::TooLong {
                    len,
                    prefix: &self.buf,
                },
            )));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Some((self.line_no, Line::Ok(&self.buf))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(u64, Result<Vec<u8>, u64>)> {
        let mut r: &[u8] = input;
        let mut l = Lines::new(&mut r, max);
        let mut out = Vec::new();
        while let Some((n, line)) = l.next_line().unwrap() {
            out.push((
                n,
                match line {
                    Line::Ok(b) => Ok(b.to_vec()),
                    Line::TooLong { len, .. } => Err(len),
                },
            ));
        }
        out
    }
    #[test]
    fn lines_split_and_limit() {
        let got = lines(b"\xef\xbb\xbfa\r\nbb\n\ncccc\nd", 3);
        assert_eq!(
            got,
            vec![
                (1, Ok(b"a".to_vec())),
                (2, Ok(b"bb".to_vec())),
                (3, Ok(b"".to_vec())),
                (4, Err(4)),
                (5, Ok(b"d".to_vec())),
            ]
        );
        assert!(lines(b"", 10).is_empty());
        assert_eq!(lines(b"x\n", 10), vec![(1, Ok(b"x".to_vec()))]);
    }
}
