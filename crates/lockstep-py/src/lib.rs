//! `lockstep._lockstep`: the native half of the Python package (the Python half, in
//! `python/lockstep`, turns keyword arguments into a command line and wraps the results).
//!
//! Options reach the engine as the command line's own arguments, parsed by the same clap
//! definitions (`lockstep_cli::cli`), so every option, default, check and error message
//! is the command line's. Posts arrive either as paths or as an Arrow C stream (a
//! PyCapsule from `__arrow_c_stream__`: pyarrow, pandas through pyarrow, Polars), read
//! by the generic column mapping exactly as a Parquet file with those columns; posts
//! leave as an Arrow C stream that pyarrow imports without a copy. `analyze` and `network`
//! return their results in memory ([`results`]); the engine runs with the GIL released,
//! and Ctrl-C stops it ([`engine`]).

use arrow_array::builder::{ListBuilder, StringBuilder, StringDictionaryBuilder};
use arrow_array::ffi_stream::RecordBatchStreamReader;
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch, TimestampMillisecondArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, TimeUnit};
use clap::Parser;
use lockstep_analyze::input::Loaded;
use lockstep_analyze::Error;
use lockstep_cli::cli::{Cli, Command, InputArgs};
use lockstep_ingest::{expand_inputs, format_by_name, Format, Ingest, IngestError, IngestOptions};
use lockstep_model::{PostTable, NONE};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::ffi::CStr;
use std::path::PathBuf;
use std::sync::Arc;

mod engine;
mod results;
mod spark;

/// The name the Arrow PyCapsule interface gives stream capsules.
const STREAM: &CStr = c"arrow_array_stream";

/// An Arrow stream handed over by Python, moved out of its capsule.
struct ArrowInput(RecordBatchStreamReader);

impl ArrowInput {
    fn from_capsule(capsule: &Bound<'_, PyCapsule>) -> PyResult<Self> {
        let ptr = capsule.pointer_checked(Some(STREAM))?;
        // SAFETY: a capsule named "arrow_array_stream" holds an FFI_ArrowArrayStream (the
        // Arrow PyCapsule interface); `from_raw` moves it out and leaves a released
        // stream behind, which the capsule's destructor then ignores.
        let reader = unsafe { RecordBatchStreamReader::from_raw(ptr.cast().as_ptr()) }
            .map_err(|e| PyValueError::new_err(format!("not an Arrow stream: {e}")))?;
        Ok(ArrowInput(reader))
    }
}

/// Parse a command line with the command line's own definitions; a bad one is a
/// ValueError carrying clap's message.
fn parse(argv: Vec<String>) -> PyResult<Command> {
    Cli::try_parse_from(argv)
        .map(|c| c.command)
        .map_err(|e| PyValueError::new_err(e.render().to_string()))
}

/// The reading options of the command line, as lockstep-ingest takes them.
fn ingest_options(a: &InputArgs, quarantine: Option<PathBuf>) -> IngestOptions {
    let o = a.options();
    IngestOptions {
        strict: o.strict,
        quarantine_path: quarantine,
        mapping: o.map,
        time_format: o.time_format,
        time_zone: o.time_zone,
        crawl_time: o.crawl_time,
        platform: o.platform,
        delimiter: o.delimiter,
        max_record_bytes: o.max_record_mib.max(1).saturating_mul(1 << 20),
    }
}

/// Read posts from an Arrow stream with the command line's reading options: the same
/// checks and messages as `lockstep_analyze::input::load` gives for files (written again
/// here because that function opens files itself).
fn load_arrow(
    input: &mut ArrowInput,
    a: &InputArgs,
    quarantine: Option<PathBuf>,
) -> lockstep_analyze::Result<Loaded> {
    if a.format != "auto" && a.format != "arrow" {
        // A format name is only meaningful for files; still reject names that do not exist.
        let _: &dyn Format = format_by_name(&a.format).map_err(Error::usage)?;
    }
    let opts = ingest_options(a, quarantine);
    opts.check().map_err(Error::usage)?;
    let mut ingest = Ingest::new(opts);
    match ingest.read_arrow("<table>", &mut input.0) {
        Ok(()) => {}
        Err(e @ IngestError::Strict { .. }) => {
            return Err(Error::usage(anyhow::anyhow!("{e} (--strict)")))
        }
        Err(e) => return Err(e.into()),
    }
    let (table, report) = ingest.finish()?;
    for w in &report.warnings {
        eprintln!("lockstep: warning: {w}");
    }
    if table.is_empty() {
        return Err(Error::usage(anyhow::anyhow!(
            "no posts could be read from the input ({} records rejected)",
            report.rejected
        )));
    }
    Ok(Loaded { table, report })
}

/// Posts from the files of the command line, or from the Arrow stream when one is given.
fn load(
    arrow: &mut Option<ArrowInput>,
    a: &InputArgs,
    quarantine: Option<PathBuf>,
) -> lockstep_analyze::Result<Loaded> {
    match arrow {
        Some(input) => load_arrow(input, a, quarantine),
        None => {
            // Report a missing file as the command line does, before reading.
            expand_inputs(&a.inputs).map_err(Error::usage)?;
            lockstep_analyze::input::load(&a.options(), quarantine)
        }
    }
}

fn stream_input(posts: Option<&Bound<'_, PyCapsule>>) -> PyResult<Option<ArrowInput>> {
    posts.map(ArrowInput::from_capsule).transpose()
}

/// Run a whole `lockstep` command line (`argv[0]` is the program name) and return its
/// exit code, as the `lockstep` command installed with the package does.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(move || lockstep_cli::run_from(argv))
}

/// Only the reading options of the command line.
#[derive(Parser, Debug)]
#[command(name = "lockstep read")]
struct ReadCli {
    #[command(flatten)]
    input: InputArgs,
}

/// Read posts (argv: `lockstep read PATHS... [reading options]`; paths are placeholders
/// when `posts` is an Arrow stream), writing rejected records to `rejected` as JSON
/// lines. Returns an Arrow stream capsule of the post table and the number of rejected
/// records.
#[pyfunction]
#[pyo3(signature = (argv, rejected, posts=None))]
fn read<'py>(
    py: Python<'py>,
    argv: Vec<String>,
    rejected: PathBuf,
    posts: Option<&Bound<'py, PyCapsule>>,
) -> PyResult<(Bound<'py, PyCapsule>, u64)> {
    let args = ReadCli::try_parse_from(argv)
        .map_err(|e| PyValueError::new_err(e.render().to_string()))?
        .input;
    let mut input = stream_input(posts)?;
    let (batch, rejected) = py
        .detach(move || -> lockstep_analyze::Result<(RecordBatch, u64)> {
            let loaded = load(&mut input, &args, Some(rejected))?;
            let batch = posts_batch(&loaded.table)
                .map_err(|e| Error::from(anyhow::anyhow!("building the Arrow table: {e}")))?;
            Ok((batch, loaded.report.rejected))
        })
        .map_err(engine::to_py)?;
    // The capsule owns the stream; pyarrow moves it out (leaving a released stream, which
    // dropping then leaves alone), or the capsule's destructor releases it.
    Ok((results::capsule(py, batch)?, rejected))
}

/// The columns of a post table, named as the generic reader's keys (so a table read here
/// goes back into `network` or `analyze` with no mapping): id, platform, author, handle,
/// time (UTC milliseconds), kind, repost_of, reply_to, quote_of, text, urls, hashtags,
/// mentions, lang.
fn posts_batch(t: &PostTable) -> Result<RecordBatch, ArrowError> {
    let n = t.len() as u32;
    let reference = |sym: u32| (sym != NONE).then(|| t.ref_id(sym).to_string());
    let dict_type = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let list_type = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
    let schema = Schema::new(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("platform", dict_type.clone(), true),
        Field::new("author", DataType::Utf8, true),
        Field::new("handle", DataType::Utf8, true),
        Field::new(
            "time",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            true,
        ),
        Field::new("kind", dict_type, true),
        Field::new("repost_of", DataType::Utf8, true),
        Field::new("reply_to", DataType::Utf8, true),
        Field::new("quote_of", DataType::Utf8, true),
        Field::new("text", DataType::Utf8, true),
        Field::new("urls", list_type.clone(), true),
        Field::new("hashtags", list_type.clone(), true),
        Field::new("mentions", list_type, true),
        Field::new("lang", DataType::Utf8, true),
    ]);
    let columns: Vec<ArrayRef> = vec![
        text_column(n, &|p| Some(t.post_id(p).to_string())),
        dict_column(n, &|p| t.post_platform(p)),
        text_column(n, &|p| Some(t.account_id(t.author(p)).to_string())),
        text_column(n, &|p| t.account_handle(t.author(p)).map(str::to_string)),
        Arc::new(
            TimestampMillisecondArray::from_iter_values((0..n).map(|p| t.time(p)))
                .with_timezone("UTC"),
        ),
        dict_column(n, &|p| t.kind(p).as_str()),
        text_column(n, &|p| reference(t.repost_of(p))),
        text_column(n, &|p| reference(t.reply_to(p))),
        text_column(n, &|p| reference(t.quote_of(p))),
        text_column(n, &|p| Some(t.text(p).to_string())),
        list_column(n, &|p| {
            t.url_syms(p).iter().map(|&s| t.urls.resolve(s)).collect()
        }),
        list_column(n, &|p| {
            t.hashtag_syms(p)
                .iter()
                .map(|&s| t.hashtags.resolve(s))
                .collect()
        }),
        list_column(n, &|p| {
            t.mention_syms(p)
                .iter()
                .map(|&s| t.mentions.resolve(s))
                .collect()
        }),
        text_column(n, &|p| t.lang(p).map(str::to_string)),
    ];
    RecordBatch::try_new(Arc::new(schema), columns)
}

fn text_column(n: u32, f: &dyn Fn(u32) -> Option<String>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for p in 0..n {
        b.append_option(f(p));
    }
    Arc::new(b.finish())
}

fn dict_column<'t>(n: u32, f: &dyn Fn(u32) -> &'t str) -> ArrayRef {
    let mut b = StringDictionaryBuilder::<Int32Type>::new();
    for p in 0..n {
        b.append_value(f(p));
    }
    Arc::new(b.finish())
}

fn list_column<'t>(n: u32, f: &dyn Fn(u32) -> Vec<&'t str>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for p in 0..n {
        for s in f(p) {
            b.values().append_value(s);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

/// lockstep's engine for Python; use the `lockstep` package, not this module. Each
/// source file registers what it defines, one line here each.
#[pymodule]
fn _lockstep(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    results::register(m)?;
    spark::register(m)?;
    Ok(())
}
