//! Edge CSV output: `source,target,weight,edge_type`, then any extra columns.

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

/// Streams edges as CSV with the contract's header.
pub struct EdgeWriter<W: Write> {
    w: csv::Writer<W>,
    rows: u64,
}

impl<W: Write> EdgeWriter<W> {
    /// Write the header `source,target,weight,edge_type,<extra...>`.
    pub fn new(out: W, extra_columns: &[&str]) -> io::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        let mut header = vec!["source", "target", "weight", "edge_type"];
        header.extend_from_slice(extra_columns);
        w.write_record(&header)?;
        Ok(Self { w, rows: 0 })
    }

    /// Write one edge.
    pub fn row(
        &mut self,
        source: &str,
        target: &str,
        weight: u64,
        edge_type: &str,
        extra: &[Value],
    ) -> io::Result<()> {
        let mut ib = itoa::Buffer::new();
        let mut fb = ryu::Buffer::new();
        self.w.write_field(source)?;
        self.w.write_field(target)?;
        self.w.write_field(ib.format(weight))?;
        self.w.write_field(edge_type)?;
        for v in extra {
            match *v {
                Value::U(x) => self.w.write_field(ib.format(x))?,
                Value::F(x) => {
                    if x.is_finite() {
                        self.w.write_field(fb.format(x))?
                    } else {
                        self.w.write_field("")?
                    }
                }
                Value::S(s) => self.w.write_field(s)?,
                Value::B(b) => self.w.write_field(if b { "1" } else { "0" })?,
            }
        }
        self.w.write_record(None::<&[u8]>)?;
        self.rows += 1;
        Ok(())
    }

    /// Flush and return the number of rows written.
    pub fn finish(mut self) -> io::Result<u64> {
        self.w.flush()?;
        Ok(self.rows)
    }
}
