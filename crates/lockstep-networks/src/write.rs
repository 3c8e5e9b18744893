//! Edge CSV output: `source,target,weight,edge_type`, then any extra columns.
//!
//! Networks can have tens of millions of edges, so rows are written by hand: every
//! account id is CSV-escaped once, and a row is a few buffer copies.

use lockstep_model::PostTable;
use std::borrow::Cow;
use std::io::{self, Write};

/// A value in an extra column.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    /// An integer.
    U(u64),
    /// A decimal.
    F(f64),
    /// Text.
    S(&'a str),
    /// A 0/1 flag.
    B(bool),
}

/// `s` as one CSV field (RFC 4180): quoted only when it must be.
pub fn csv_field(s: &str) -> Cow<'_, str> {
    if s.contains(['"', ',', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

/// Streams edges between accounts of a table as CSV with the contract's header.
pub struct EdgeWriter<'t, W: Write> {
    out: W,
    table: &'t PostTable,
    ids: Vec<Option<Box<str>>>,
    rows: u64,
}

impl<'t, W: Write> EdgeWriter<'t, W> {
    /// Write the header `source,target,weight,edge_type,<extra...>`.
    pub fn new(mut out: W, table: &'t PostTable, extra_columns: &[&str]) -> io::Result<Self> {
        let base = lockstep_output::schema::columns::edges::HEADER;
        out.write_all(base.join(",").as_bytes())?;
        for c in extra_columns {
            out.write_all(b",")?;
            out.write_all(csv_field(c).as_bytes())?;
        }
        out.write_all(b"\n")?;
        Ok(Self {
            out,
            table,
            ids: vec![None; table.account_count()],
            rows: 0,
        })
    }

    /// Write an account id, escaping it the first time it is seen.
    fn write_id(&mut self, account: u32) -> io::Result<()> {
        let table = self.table;
        let id = self.ids[account as usize]
            .get_or_insert_with(|| csv_field(table.account_id(account)).into());
        self.out.write_all(id.as_bytes())
    }

    /// Write one edge between account indices.
    pub fn row(
        &mut self,
        source: u32,
        target: u32,
        weight: u64,
        edge_type: &str,
        extra: &[Value],
    ) -> io::Result<()> {
        let mut ib = itoa::Buffer::new();
        let mut fb = ryu::Buffer::new();
        self.write_id(source)?;
        self.out.write_all(b",")?;
        self.write_id(target)?;
        self.out.write_all(b",")?;
        self.out.write_all(ib.format(weight).as_bytes())?;
        self.out.write_all(b",")?;
        self.out.write_all(csv_field(edge_type).as_bytes())?;
        for v in extra {
            self.out.write_all(b",")?;
            match *v {
                Value::U(x) => self.out.write_all(ib.format(x).as_bytes())?,
                Value::F(x) if x.is_finite() => self.out.write_all(fb.format(x).as_bytes())?,
                Value::F(_) => {}
                Value::S(s) => self.out.write_all(csv_field(s).as_bytes())?,
                Value::B(b) => self.out.write_all(if b { b"1" } else { b"0" })?,
            }
        }
        self.out.write_all(b"\n")?;
        self.rows += 1;
        Ok(())
    }

    /// Flush and return the number of rows written.
    pub fn finish(mut self) -> io::Result<u64> {
        self.out.flush()?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lockstep_model::PostRecord;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(csv_field("abc"), "abc");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn rows_round_trip_through_a_csv_reader() {
        let mut t = PostTable::new();
        for (i, a) in ["plain", "with,comma", "quote\"d"].iter().enumerate() {
            t.push(&PostRecord {
                id: i.to_string(),
                author_id: a.to_string(),
                ..Default::default()
            });
        }
        let mut buf = Vec::new();
        let mut w = EdgeWriter::new(&mut buf, &t, &["x", "y"]).unwrap();
        w.row(0, 1, 3, "co-post", &[Value::F(1.5), Value::S("a\"b")])
            .unwrap();
        w.row(2, 0, 1, "co-post", &[Value::F(f64::NAN), Value::B(true)])
            .unwrap();
        assert_eq!(w.finish().unwrap(), 2);
        let mut r = csv::Reader::from_reader(&buf[..]);
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(
            rows[0],
            ["plain", "with,comma", "3", "co-post", "1.5", "a\"b"]
        );
        assert_eq!(rows[1], ["quote\"d", "plain", "1", "co-post", "", "1"]);
    }
}
