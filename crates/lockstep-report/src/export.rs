//! Parquet copies of analyze's CSV tables, typed for DuckDB, pandas and polars: ids stay
//! text (platform ids overflow or lose zeros as numbers), counts are 64-bit integers,
//! statistics are doubles, times are `TIMESTAMP(ms, UTC)`. Columns are typed by name (see
//! [`column_type`]); a column the converter does not know stays text, so a CSV that
//! gains columns still converts. Values that do not parse as their column's type become
//! null rather than failing the export. Files are zstd-compressed.

use crate::ReportError;
use arrow::array::{
    ArrayRef, Float64Builder, Int64Builder, StringBuilder, TimestampMillisecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How a CSV column is stored in Parquet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 text.
    Text,
    /// 64-bit signed integer.
    Int,
    /// Double.
    Float,
    /// RFC 3339 text in the CSV, `TIMESTAMP(ms, UTC)` in Parquet.
    TimeRfc3339,
    /// Unix seconds (possibly fractional) in the CSV, `TIMESTAMP(ms, UTC)` in Parquet.
    TimeUnix,
}

/// The Parquet type of a column of analyze's tables, by its name.
pub fn column_type(name: &str) -> ColumnType {
    match name {
        "campaign_id" | "weight" | "posts" | "coordinated_posts" | "leads" | "follows"
        | "posts_source" | "posts_target" | "objects" | "source_first" | "target_first" => {
            ColumnType::Int
        }
        "score" | "coordinated_share" | "window_s" | "expected" | "neg_log10_p" | "neg_log10_q"
        | "min_dt_s" | "mean_dt_s" | "dt_seconds" => ColumnType::Float,
        "created_at" | "first_post" | "last_post" | "time" => ColumnType::TimeRfc3339,
        "time_a" | "time_b" => ColumnType::TimeUnix,
        _ => ColumnType::Text,
    }
}

/// The tables converted, as (CSV name, Parquet name).
pub const TABLES: [(&str, &str); 4] = [
    ("edges.csv", "edges.parquet"),
    ("accounts.csv", "accounts.parquet"),
    ("evidence.csv", "evidence.parquet"),
    (crate::POSTS_FILE, "coordinated_posts.parquet"),
];

/// Write a Parquet file beside each of the [`TABLES`] present in `dir`. Returns the files
/// written with their row counts.
pub fn write_parquet_exports(dir: &Path) -> Result<Vec<(PathBuf, u64)>, ReportError> {
    let mut out = Vec::new();
    for (csv_name, pq_name) in TABLES {
        let src = dir.join(csv_name);
        if src.exists() {
            let dst = dir.join(pq_name);
            let rows = csv_to_parquet(&src, &dst)?;
            out.push((dst, rows));
        }
    }
    Ok(out)
}

const BATCH_ROWS: usize = 65_536;

enum Builder {
    Text(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Time(TimestampMillisecondBuilder, ColumnType),
}

impl Builder {
    fn new(t: ColumnType) -> Self {
        match t {
            ColumnType::Text => Builder::Text(StringBuilder::new()),
            ColumnType::Int => Builder::Int(Int64Builder::new()),
            ColumnType::Float => Builder::Float(Float64Builder::new()),
            ColumnType::TimeRfc3339 | ColumnType::TimeUnix => {
                Builder::Time(TimestampMillisecondBuilder::new().with_timezone("UTC"), t)
            }
        }
    }

    fn push(&mut self, v: Option<&str>) {
        let v = v.filter(|s| !s.is_empty());
        match self {
            Builder::Text(b) => match v {
                Some(s) => b.append_value(s),
                None => b.append_value(""),
            },
            Builder::Int(b) => b.append_option(v.and_then(parse_int)),
            Builder::Float(b) => b.append_option(v.and_then(|s| s.parse::<f64>().ok())),
            Builder::Time(b, ColumnType::TimeUnix) => b.append_option(v.and_then(|s| {
                s.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(|x| (x * 1000.0).round() as i64)
            })),
            Builder::Time(b, _) => b.append_option(v.and_then(lockstep_model::time::parse_rfc3339)),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Time(b, _) => Arc::new(b.finish()),
        }
    }
}

fn parse_int(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().or_else(|| {
        s.parse::<f64>()
            .ok()
            .filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15)
            .map(|x| x as i64)
    })
}

/// Convert one CSV file (with a header) into a typed Parquet file. Returns the rows.
pub fn csv_to_parquet(src: &Path, dst: &Path) -> Result<u64, ReportError> {
    let pq_err = |e: &dyn std::fmt::Display| ReportError::Parquet {
        path: dst.to_path_buf(),
        message: e.to_string(),
    };
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(src)
        .map_err(|e| ReportError::csv(src, e))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| ReportError::csv(src, e))?
        .iter()
        .map(str::to_string)
        .collect();
    let types: Vec<ColumnType> = header.iter().map(|h| column_type(h)).collect();
    let schema = Arc::new(Schema::new(
        header
            .iter()
            .zip(&types)
            .map(|(h, t)| {
                let dt = match t {
                    ColumnType::Text => DataType::Utf8,
                    ColumnType::Int => DataType::Int64,
                    ColumnType::Float => DataType::Float64,
                    ColumnType::TimeRfc3339 | ColumnType::TimeUnix => {
                        DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
                    }
                };
                Field::new(h, dt, *t != ColumnType::Text)
            })
            .collect::<Vec<_>>(),
    ));
    let level = ZstdLevel::try_new(3).map_err(|e| pq_err(&e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_created_by(format!("lockstep {}", env!("CARGO_PKG_VERSION")))
        .build();
    let tmp = dst.with_extension("parquet.partial");
    let file = File::create(&tmp).map_err(|e| ReportError::io(&tmp, e))?;
    let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| pq_err(&e))?;
    let mut builders: Vec<Builder> = types.iter().map(|&t| Builder::new(t)).collect();
    let mut in_batch = 0usize;
    let mut rows = 0u64;
    let mut rec = csv::StringRecord::new();
    let flush = |builders: &mut Vec<Builder>, w: &mut ArrowWriter<File>| {
        let cols: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(schema.clone(), cols).map_err(|e| pq_err(&e))?;
        w.write(&batch).map_err(|e| pq_err(&e))
    };
    loop {
        match r.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(ReportError::csv(src, e)),
        }
        for (i, b) in builders.iter_mut().enumerate() {
            b.push(rec.get(i));
        }
        in_batch += 1;
        rows += 1;
        if in_batch == BATCH_ROWS {
            flush(&mut builders, &mut w)?;
            in_batch = 0;
        }
    }
    if in_batch > 0 || rows == 0 {
        flush(&mut builders, &mut w)?;
    }
    w.close().map_err(|e| pq_err(&e))?;
    std::fs::rename(&tmp, dst).map_err(|e| ReportError::io(dst, e))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    #[test]
    fn converts_with_types_and_nulls() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("evidence.csv");
        std::fs::write(
            &src,
            "campaign_id,behaviour,object,post_a,account_a,time_a,post_b,account_b,time_b,dt_seconds,extra\n\
             1,co-text,\"a, \"\"b\"\"\",001,u1,1754006405,002,u2,1754006405.5,0.5,x\n\
             bad,co-link,</script>,003,u3,,004,u4,nope,,\n",
        )
        .unwrap();
        let dst = dir.path().join("evidence.parquet");
        assert_eq!(csv_to_parquet(&src, &dst).unwrap(), 2);
        let r = SerializedFileReader::new(File::open(&dst).unwrap()).unwrap();
        assert_eq!(r.metadata().file_metadata().num_rows(), 2);
        let schema = r.metadata().file_metadata().schema_descr();
        let names: Vec<_> = schema
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        assert_eq!(names[0], "campaign_id");
        assert_eq!(names[10], "extra");
        let rows: Vec<String> = r
            .get_row_iter(None)
            .unwrap()
            .map(|row| row.unwrap().to_string())
            .collect();
        assert!(rows[0].contains("campaign_id: 1"), "{}", rows[0]);
        assert!(rows[0].contains("post_a: \"001\""), "{}", rows[0]);
        assert!(rows[0].contains("dt_seconds: 0.5"), "{}", rows[0]);
        assert!(rows[1].contains("campaign_id: null"), "{}", rows[1]);
        assert!(rows[1].contains("time_b: null"), "{}", rows[1]);
        assert!(rows[1].contains("object: \"</script>\""), "{}", rows[1]);
    }

    #[test]
    fn empty_table_still_has_its_columns() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("accounts.csv");
        std::fs::write(&src, "account_id,campaign_id,score\n").unwrap();
        let dst = dir.path().join("accounts.parquet");
        assert_eq!(csv_to_parquet(&src, &dst).unwrap(), 0);
        let r = SerializedFileReader::new(File::open(&dst).unwrap()).unwrap();
        assert_eq!(r.metadata().file_metadata().schema_descr().num_columns(), 3);
    }
}
