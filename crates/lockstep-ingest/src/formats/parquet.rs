//! Parquet with a column mapping (see [`super::generic`]): read row group by row group
//! (batches of 8,192 rows), so memory follows the batch, not the file. Timestamp and
//! date columns are used as typed instants; other columns are read as text (lists as
//! lists). Rejections name the 1-based row number as their line.

use super::generic::{fill_generic, Key, Mapping, Source, KEYS};
use super::util::{list_cell, push_unique};
use super::Format;
use crate::{Ingest, IngestError, IngestOptions};
use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::{DataType, TimeUnit};
use lockstep_model::PostRecord;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::reader::ChunkReader;
use std::borrow::Cow;
use std::io::BufRead;
use std::path::Path;

pub(crate) struct Parquet;

impl Format for Parquet {
    fn name(&self) -> &'static str {
        "parquet"
    }

    fn sniff(&self, head: &[u8], _opts: &IngestOptions) -> bool {
        head.starts_with(b"PAR1")
    }

    fn read(&self, input: &mut dyn BufRead, ingest: &mut Ingest) -> Result<(), IngestError> {
        // Parquet needs random access: a compressed file is read into memory first.
        let mut buf = Vec::new();
        input
            .read_to_end(&mut buf)
            .map_err(|source| IngestError::Io {
                path: ingest.current_file().into(),
                source,
            })?;
        ingest.warn(format!(
            "{}: compressed Parquet was read into memory ({} bytes); store Parquet uncompressed to stream it",
            ingest.current_file(),
            buf.len()
        ));
        guarded(bytes::Bytes::from(buf), ingest)
    }

    fn read_path(
        &self,
        path: &Path,
        plain: bool,
        ingest: &mut Ingest,
    ) -> Option<Result<(), IngestError>> {
        if !plain {
            return None;
        }
        Some(match std::fs::File::open(path) {
            Ok(f) => guarded(f, ingest),
            Err(source) => Err(IngestError::Io {
                path: path.to_path_buf(),
                source,
            }),
        })
    }
}

/// Read, turning a panic inside the Parquet library (possible on corrupt files) into a
/// rejection of the rest of the file instead of a crash.
fn guarded<R: ChunkReader + 'static>(reader: R, ingest: &mut Ingest) -> Result<(), IngestError> {
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_chunks(reader, &mut *ingest)
    }));
    match res {
        Ok(r) => r,
        Err(_) => ingest.reject(
            1,
            "the Parquet library failed on this file (corrupt data); the rest of the file is skipped",
            b"",
        ),
    }
}

enum Col {
    None,
    Text(StringArray),
    List(Vec<Option<Vec<String>>>),
}

fn as_text(a: &ArrayRef) -> Result<StringArray, String> {
    let c = arrow::compute::cast(a, &DataType::Utf8).map_err(|e| {
        format!(
            "cannot read a column of type {} as text: {e}",
            a.data_type()
        )
    })?;
    Ok(c.as_string::<i32>().clone())
}

fn time_column(a: &ArrayRef) -> Option<Vec<Option<i64>>> {
    let (div, mul) = match a.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => (1, 1000),
        DataType::Timestamp(TimeUnit::Millisecond, _) => (1, 1),
        DataType::Timestamp(TimeUnit::Microsecond, _) => (1000, 1),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => (1_000_000, 1),
        DataType::Date32 => (1, 86_400_000),
        DataType::Date64 => (1, 1),
        _ => return None,
    };
    let ints = arrow::compute::cast(a, &DataType::Int64).ok()?;
    let ints = ints.as_primitive::<arrow::datatypes::Int64Type>();
    Some(
        (0..ints.len())
            .map(|i| (!ints.is_null(i)).then(|| (ints.value(i) / div).saturating_mul(mul)))
            .collect(),
    )
}

fn list_column(a: &ArrayRef) -> Result<Col, String> {
    let lists: Vec<Option<ArrayRef>> = match a.data_type() {
        DataType::List(_) => {
            let l = a.as_list::<i32>();
            (0..l.len())
                .map(|i| (!l.is_null(i)).then(|| l.value(i)))
                .collect()
        }
        DataType::LargeList(_) => {
            let l = a.as_list::<i64>();
            (0..l.len())
                .map(|i| (!l.is_null(i)).then(|| l.value(i)))
                .collect()
        }
        _ => return Ok(Col::Text(as_text(a)?)),
    };
    let mut out = Vec::with_capacity(lists.len());
    for l in lists {
        match l {
            None => out.push(None),
            Some(v) => {
                let s = as_text(&v)?;
                out.push(Some(
                    (0..s.len())
                        .filter(|&i| !s.is_null(i))
                        .map(|i| s.value(i).to_string())
                        .collect(),
                ));
            }
        }
    }
    Ok(Col::List(out))
}

const LIST_KEYS: [usize; 5] = [8, 9, 10, 11, 14];

fn read_chunks<R: ChunkReader + 'static>(
    reader: R,
    ingest: &mut Ingest,
) -> Result<(), IngestError> {
    let m = Mapping::from_options(ingest.options())?;
    let builder = match ParquetRecordBatchReaderBuilder::try_new(reader) {
        Ok(b) => b,
        Err(e) => return ingest.reject(1, format!("unreadable Parquet file: {e}"), b""),
    };
    let names = column_names(builder.schema());
    let res = match resolve(&m, &names, ingest)? {
        Some(r) => r,
        None => return Ok(()),
    };
    let reader = match builder.with_batch_size(8192).build() {
        Ok(r) => r,
        Err(e) => return ingest.reject(1, format!("unreadable Parquet file: {e}"), b""),
    };
    read_batches(&m, &names, &res, reader, "Parquet", ingest)
}

/// Lower-cased column names of a schema, as the mapping matches them.
fn column_names(schema: &arrow::datatypes::Schema) -> Vec<String> {
    schema
        .fields()
        .iter()
        .map(|f| f.name().to_ascii_lowercase())
        .collect()
}

/// The column of each key, or None (after rejecting the input) when the mapping does not
/// fit.
fn resolve(
    m: &Mapping,
    names: &[String],
    ingest: &mut Ingest,
) -> Result<Option<[Option<usize>; KEYS.len()]>, IngestError> {
    let res = match m.resolve(names) {
        Ok(r) => {
            if let Some(w) = m.absent_warning(ingest.current_file(), &r.absent, "column") {
                ingest.warn(w);
            }
            r.cols
        }
        Err(reason) => {
            ingest.reject(1, reason, b"")?;
            return Ok(None);
        }
    };
    if res[0].is_none() {
        ingest.warn(format!(
            "{}: no id column: posts get FILE:ROW ids (map one with --map id=COLUMN)",
            ingest.current_file()
        ));
    }
    Ok(Some(res))
}

/// Read Arrow record batches already in memory (a pyarrow, pandas or Polars table handed
/// over by the Python package through the Arrow C stream interface) with the generic
/// mapping, exactly as a Parquet file with the same columns is read.
pub(crate) fn read_arrow(
    reader: &mut dyn arrow::record_batch::RecordBatchReader,
    ingest: &mut Ingest,
) -> Result<(), IngestError> {
    let m = Mapping::from_options(ingest.options())?;
    let names = column_names(&reader.schema());
    let res = match resolve(&m, &names, ingest)? {
        Some(r) => r,
        None => return Ok(()),
    };
    read_batches(&m, &names, &res, reader, "Arrow", ingest)
}

/// Turn every row of `batches` into a post (or a rejection naming its 1-based row).
fn read_batches(
    m: &Mapping,
    names: &[String],
    res: &[Option<usize>],
    batches: impl Iterator<Item = Result<arrow::record_batch::RecordBatch, arrow::error::ArrowError>>,
    what: &str,
    ingest: &mut Ingest,
) -> Result<(), IngestError> {
    let file = ingest.current_file().to_string();
    let mut post = PostRecord::default();
    let mut row0: u64 = 0;
    for batch in batches {
        let batch = match batch {
            Ok(b) => b,
            Err(e) => {
                return ingest.reject(
                    row0 + 1,
                    format!(
                    "unreadable {what} data after row {row0}: {e}; the rest of the file is skipped"
                ),
                    b"",
                )
            }
        };
        let mut cols: Vec<Col> = Vec::with_capacity(KEYS.len());
        let mut times: Option<Vec<Option<i64>>> = None;
        let mut bad: Option<String> = None;
        for (k, r) in res.iter().enumerate() {
            let col = match r.filter(|&i| i < batch.num_columns()) {
                None => Col::None,
                Some(i) => {
                    let a = batch.column(i);
                    if k == 3 {
                        times = time_column(a);
                    }
                    let c = if k == 3 && times.is_some() {
                        Ok(Col::None)
                    } else if LIST_KEYS.contains(&k) {
                        list_column(a)
                    } else {
                        as_text(a).map(Col::Text)
                    };
                    match c {
                        Ok(c) => c,
                        Err(e) => {
                            bad = Some(format!("column '{}' ({}): {e}", names[i], KEYS[k]));
                            Col::None
                        }
                    }
                }
            };
            cols.push(col);
        }
        if let Some(reason) = bad {
            return ingest.reject(row0 + 1, reason, b"");
        }
        for row in 0..batch.num_rows() {
            let n = row0 + row as u64 + 1;
            let src = PqSource {
                cols: &cols,
                times: times.as_deref(),
                row,
            };
            match fill_generic(m, &src, &|| format!("{file}:{n}"), &mut post) {
                Ok(()) => ingest.accept(&post),
                Err(r) => {
                    let raw = src.raw();
                    ingest.reject(n, format!("row {n}: {r}"), raw.as_bytes())?
                }
            }
        }
        row0 += batch.num_rows() as u64;
    }
    Ok(())
}

struct PqSource<'a> {
    cols: &'a [Col],
    times: Option<&'a [Option<i64>]>,
    row: usize,
}

impl PqSource<'_> {
    fn raw(&self) -> String {
        let mut parts = Vec::new();
        for (k, name) in KEYS.iter().enumerate().take(self.cols.len()) {
            if let Ok(Some(v)) = self.scalar(Key(k)) {
                parts.push(format!("{name}={v}"));
            }
        }
        parts.join(", ")
    }
}

impl Source for PqSource<'_> {
    fn scalar(&self, k: Key) -> Result<Option<Cow<'_, str>>, String> {
        match self.cols.get(k.0) {
            Some(Col::Text(s)) if self.row < s.len() && !s.is_null(self.row) => {
                let v = s.value(self.row);
                Ok((!v.trim().is_empty()).then_some(Cow::Borrowed(v)))
            }
            Some(Col::List(l)) => Ok(l
                .get(self.row)
                .and_then(|x| x.as_ref())
                .map(|v| Cow::Owned(v.join(" ")))),
            _ => Ok(None),
        }
    }

    fn list(&self, k: Key, out: &mut Vec<String>) -> Result<(), String> {
        match self.cols.get(k.0) {
            Some(Col::List(l)) => {
                if let Some(Some(items)) = l.get(self.row) {
                    for i in items {
                        push_unique(out, i);
                    }
                }
            }
            Some(Col::Text(s)) if self.row < s.len() && !s.is_null(self.row) => {
                list_cell(s.value(self.row), out)
            }
            _ => {}
        }
        Ok(())
    }

    fn native_time(&self) -> Option<i64> {
        self.times.and_then(|t| t.get(self.row).copied().flatten())
    }
}
