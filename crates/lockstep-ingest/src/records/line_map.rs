//! [`CountingReader`] and [`LineMap`]: line numbers for readers that only learn byte offsets.

use std::io;

/// Line numbers for readers that only learn byte offsets (the `csv` crate's own line
/// count is off with CRLF line ends and quoted line breaks). The wrapped reader notes
/// where line breaks are as bytes pass; [`LineMap::line_at`] turns a record's start offset
/// into its 1-based line, skipping blank lines before it. Only the breaks between the
/// last record asked about and the reader's read-ahead are kept.
pub(crate) struct CountingReader<R> {
    inner: R,
    offset: u64,
    marks: std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<(u64, u8)>>>,
}

/// See [`CountingReader`].
pub(crate) struct LineMap {
    marks: std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<(u64, u8)>>>,
    passed: u64,
}

/// Wrap `inner`, returning the reader and its line map.
pub(crate) fn counting<R: io::Read>(inner: R) -> (CountingReader<R>, LineMap) {
    let marks = std::rc::Rc::new(std::cell::RefCell::new(std::collections::VecDeque::new()));
    (
        CountingReader {
            inner,
            offset: 0,
            marks: marks.clone(),
        },
        LineMap { marks, passed: 0 },
    )
}

impl<R: io::Read> io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut m = self.marks.borrow_mut();
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            m.push_back((self.offset + i as u64, buf[i]));
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl LineMap {
    /// The 1-based line of the record starting at byte `at` (offsets must not go back).
    pub(crate) fn line_at(&mut self, mut at: u64) -> u64 {
        let mut m = self.marks.borrow_mut();
        while let Some(&(o, b)) = m.front() {
            if o >= at {
                break;
            }
            if b == b'\n' {
                self.passed += 1;
            }
            m.pop_front();
        }
        // Blank lines (and the rest of a CRLF) before the record start.
        loop {
            match (m.front().copied(), m.get(1).copied()) {
                (Some((o, b'\n')), _) if o == at => {
                    m.pop_front();
                    self.passed += 1;
                    at += 1;
                }
                (Some((o, b'\r')), Some((o2, b'\n'))) if o == at && o2 == at + 1 => {
                    m.pop_front();
                    m.pop_front();
                    self.passed += 1;
                    at += 2;
                }
                _ => break,
            }
        }
        self.passed + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_map_handles_crlf_blank_lines_and_quoted_breaks() {
        for (data, want) in [
            (
                &b"h1,h2\r\na,b\r\nc,d\r\n\r\ne,\"x\r\ny\"\r\nf,g\r\n"[..],
                vec![1, 2, 3, 5, 7],
            ),
            (
                &b"h1,h2\na,b\nc,d\n\ne,\"x\ny\"\nf,g"[..],
                vec![1, 2, 3, 5, 7],
            ),
        ] {
            let (r, mut map) = counting(data);
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(r);
            let mut rec = csv::ByteRecord::new();
            let mut got = Vec::new();
            while rdr.read_byte_record(&mut rec).unwrap() {
                got.push(map.line_at(rec.position().unwrap().byte()));
            }
            assert_eq!(got, want);
        }
    }
}
