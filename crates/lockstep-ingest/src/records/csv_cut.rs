//! [`CsvCutter`]: where CSV records end, found without parsing them, so a large CSV can be
//! cut into blocks that start on a record and parsed on several threads.
//!
//! It follows the `csv` crate's record state machine (csv-core's defaults, which
//! [`CsvRecords`](crate::formats) uses: `"` quotes, doubled `""` escapes a quote, no
//! escape character, no comments, `\r`, `\n` and `\r\n` all end a record) on the bytes that
//! matter only: quotes, the delimiter and line ends, found with `memchr`. A quote opens a
//! quoted field only at a field's start; elsewhere it is a literal character, as in csv-core.
//! `tests` checks every cut it reports against the `csv` crate's own record starts on
//! random inputs.

use memchr::{memchr, memchr3};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// At the start of a record (line ends here are blank lines, skipped).
    RecordStart,
    /// Just after a `\r` that ended a record: a `\n` here completes a `\r\n`.
    AfterCr,
    /// At the start of a field after a delimiter.
    FieldStart,
    /// Inside an unquoted field.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: another quote escapes it; anything else
    /// closes the quoted part.
    QuoteInQuoted,
}

/// Scans CSV bytes fed in order and remembers the last place a record ended at a `\n`.
pub(crate) struct CsvCutter {
    delim: u8,
    state: State,
}

impl CsvCutter {
    pub(crate) fn new(delim: u8) -> Self {
        Self {
            delim,
            state: State::RecordStart,
        }
    }

    /// Feed the next bytes; returns the offset in `buf` just after the last `\n` that
    /// ended a record in it, if one did.
    ///
    /// Outside quotes it stops only at quotes and line ends (`memchr3`), not at every
    /// delimiter: whether a quote opens a quoted field, and the state at the end of `buf`,
    /// follow from the byte before (a delimiter means a field's start, anything else the
    /// inside of an unquoted field).
    pub(crate) fn feed(&mut self, buf: &[u8]) -> Option<usize> {
        use State::*;
        let mut last = None;
        let mut i = 0;
        while i < buf.len() {
            match self.state {
                Quoted => match memchr(b'"', &buf[i..]) {
                    None => return last,
                    Some(k) => {
                        self.state = QuoteInQuoted;
                        i += k + 1;
                    }
                },
                QuoteInQuoted if buf[i] == b'"' => {
                    self.state = Quoted;
                    i += 1;
                }
                _ => {
                    let j = memchr3(b'"', b'\n', b'\r', &buf[i..]).map_or(buf.len(), |k| i + k);
                    if j > i {
                        // Ordinary bytes: the last one says where the scan is.
                        self.state = if buf[j - 1] == self.delim {
                            FieldStart
                        } else {
                            Unquoted
                        };
                    }
                    if j == buf.len() {
                        return last;
                    }
                    self.state = match (self.state, buf[j]) {
                        (RecordStart | AfterCr | FieldStart, b'"') => Quoted,
                        (_, b'"') => Unquoted,
                        // Blank lines before a record.
                        (RecordStart, _) => RecordStart,
                        (AfterCr, b'\r') => RecordStart,
                        // A record ends here (or its `\r\n` does): the next one starts after.
                        (_, b'\n') => {
                            last = Some(j + 1);
                            RecordStart
                        }
                        _ => AfterCr,
                    };
                    i = j + 1;
                }
            }
        }
        last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Byte offsets where the csv crate starts records (and where blank lines before a
    /// record could have been cut), as CsvRecords reads them.
    fn record_starts(input: &[u8]) -> Vec<u64> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut rec = csv::ByteRecord::new();
        let mut starts = Vec::new();
        while r.read_byte_record(&mut rec).unwrap_or(false) {
            if let Some(p) = rec.position() {
                starts.push(p.byte());
            }
        }
        starts
    }

    /// All cuts, feeding `input` in pieces of `step` bytes.
    fn cuts(input: &[u8], step: usize) -> Vec<u64> {
        let mut c = CsvCutter::new(b',');
        let mut out = Vec::new();
        let mut at = 0usize;
        for piece in input.chunks(step.max(1)) {
            // Every cut, not only the last: feed byte-long pieces past each one.
            let mut k = 0;
            while k < piece.len() {
                let end = piece[k..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(piece.len(), |p| k + p + 1);
                if let Some(x) = c.feed(&piece[k..end]) {
                    out.push((at + k + x) as u64);
                }
                k = end;
            }
            at += piece.len();
        }
        out
    }

    /// A cut is where the csv crate's next record starts (after a `\r\n`, the csv crate
    /// starts it on the `\n`, which it then skips).
    fn check(input: &[u8], step: usize) {
        let starts = record_starts(input);
        for cut in cuts(input, step) {
            let c = cut as usize;
            let crlf = c >= 2 && &input[c - 2..c] == b"\r\n";
            assert!(
                starts.contains(&cut)
                    || (crlf && starts.contains(&(cut - 1)))
                    || input[c..].iter().all(|&b| b == b'\r' || b == b'\n'),
                "cut at {cut} is not a record start in {:?}; starts {starts:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn quoted_line_breaks_and_literal_quotes() {
        check(b"a,b\n\"x\ny\",z\nab\"c,\"d\ne\"\n\"q\"\"\n\",1\n", 1000);
        check(b"a,\"b\"c\nd,e\r\nf\rg,\"h\r\ni\"\n", 3);
        assert_eq!(cuts(b"a,\"x\ny\"\nb\n", 1), vec![8, 10]);
        // Blank lines are no cuts; a CRLF is cut after its LF.
        assert_eq!(cuts(b"a\n\nb\r\n\r\nc", 1), vec![2, 6]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn cuts_are_record_starts(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), Just(b' ')],
                0..200,
            ),
            step in 1usize..40,
        ) {
            check(&bytes, step);
        }
    }
}
