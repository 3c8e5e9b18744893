//! `analyze` and `network` in memory: lockstep-analyze's results handed to Python without
//! files. Documents (campaigns, summary, narratives, echo) cross as JSON text for
//! `json.loads`; tables (accounts, edges, evidence, coordinated posts, network edges) as
//! Arrow C streams of one record batch, with the CSV files' columns and values
//! (lockstep-analyze's `tables`).

use crate::engine::{self, Ctx};
use crate::{load, parse, stream_input, STREAM};
use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{ArrayRef, RecordBatch, RecordBatchIterator};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use lockstep_analyze::input::Loaded;
use lockstep_analyze::tables::{Cell, Kind, Table};
use lockstep_analyze::{analyze_shared, network, Analysis, AttrValue, Error, Run, Timer, STAGES};
use lockstep_cli::cli::Command;
use pyo3::exceptions::{PyKeyError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// The stages a Python caller hears of: reading the posts, then the analysis's.
fn stages() -> Vec<&'static str> {
    std::iter::once("read").chain(STAGES).collect()
}

/// The results of `lockstep analyze`, in memory (`lockstep.Analysis` wraps it).
#[pyclass(frozen, module = "lockstep._lockstep", name = "Analysis")]
pub(crate) struct PyAnalysis {
    inner: Analysis<'static>,
}

#[pymethods]
impl PyAnalysis {
    /// A document as JSON text: `campaigns`, `summary`, `narratives` or `echo`.
    fn document(&self, name: &str) -> PyResult<String> {
        let a = &self.inner;
        let text = match name {
            "campaigns" => serde_json::to_string(&a.campaigns),
            "summary" => serde_json::to_string(&a.summary),
            "narratives" => serde_json::to_string(&a.narratives),
            "echo" => serde_json::to_string(&a.echo),
            _ => return Err(PyKeyError::new_err(name.to_string())),
        };
        text.map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// A table as an Arrow stream capsule: `accounts`, `edges`, `evidence` or
    /// `coordinated_posts`.
    fn table<'py>(slf: &Bound<'py, Self>, name: &str) -> PyResult<Bound<'py, PyCapsule>> {
        let py = slf.py();
        let a = &slf.get().inner;
        let batch = py
            .detach(|| a.table(name).map(record_batch))
            .ok_or_else(|| PyKeyError::new_err(name.to_string()))?
            .map_err(arrow_error)?;
        capsule(py, batch)
    }

    /// The fused account graph (network.gexf) as JSON text: `nodes` (id, label and the
    /// node attributes) and `edges` (source and target ids, weight and the edge
    /// attributes).
    fn graph(&self) -> PyResult<String> {
        let g = &self.inner.graph;
        let value = |v: &AttrValue| match v {
            AttrValue::Int(i) => serde_json::json!(i),
            AttrValue::Float(f) => serde_json::json!(f),
            AttrValue::Text(t) => serde_json::json!(t),
            AttrValue::Bool(b) => serde_json::json!(b),
        };
        let nodes: Vec<serde_json::Value> = g
            .nodes
            .iter()
            .map(|n| {
                let mut m = serde_json::Map::new();
                m.insert("id".into(), n.id.clone().into());
                m.insert("label".into(), n.label.clone().into());
                for ((name, _), v) in g.node_attrs.iter().zip(&n.values) {
                    m.insert(name.clone(), value(v));
                }
                m.into()
            })
            .collect();
        let edges: Vec<serde_json::Value> = g
            .edges
            .iter()
            .map(|e| {
                let mut m = serde_json::Map::new();
                m.insert("source".into(), g.nodes[e.source].id.clone().into());
                m.insert("target".into(), g.nodes[e.target].id.clone().into());
                m.insert("weight".into(), serde_json::json!(e.weight));
                for ((name, _), v) in g.edge_attrs.iter().zip(&e.values) {
                    m.insert(name.clone(), value(v));
                }
                m.into()
            })
            .collect();
        Ok(serde_json::json!({ "nodes": nodes, "edges": edges }).to_string())
    }

    /// Write every file `lockstep analyze` writes into `dir`, with the GIL released.
    fn write(slf: &Bound<'_, Self>, dir: PathBuf) -> PyResult<()> {
        let a = &slf.get().inner;
        slf.py().detach(|| a.write(&dir)).map_err(engine::to_py)
    }
}

/// `lockstep analyze ARGV...` in memory (argv includes `lockstep analyze` and a `--out`,
/// which is ignored: `out`, when given, is where the files are written and rejected
/// records go). Posts come from the Arrow stream `posts` when given. `progress(stage,
/// index, total)` hears of `read` and the analysis's stages, then `done`.
#[pyfunction]
#[pyo3(signature = (argv, posts=None, out=None, progress=None))]
pub(crate) fn analyze(
    py: Python<'_>,
    argv: Vec<String>,
    posts: Option<&Bound<'_, PyCapsule>>,
    out: Option<PathBuf>,
    progress: Option<Py<PyAny>>,
) -> PyResult<PyAnalysis> {
    let Command::Analyze(args) = parse(argv)? else {
        return Err(PyValueError::new_err("expected an analyze command line"));
    };
    let mut input = stream_input(posts)?;
    let inner = engine::run(py, progress, move |ctx: &Ctx<'_>| {
        let total = Instant::now();
        let mut timer = Timer::start();
        if let Some(o) = &out {
            std::fs::create_dir_all(o)
                .map_err(|e| Error::from(anyhow::anyhow!("creating {}: {e}", o.display())))?;
        }
        // Bad options fail before any input is read, as on the command line.
        let config = lockstep_cli::analyze_config(&args)?;
        let stages = stages();
        ctx.progress(stages[0], 0, STAGES.len() + 1);
        let Loaded { table, report } = load(
            &mut input,
            &args.input,
            out.as_ref().map(|o| o.join("rejected.jsonl")),
        )?;
        timer.lap("ingest");
        let forward =
            |p: lockstep_analyze::Progress| ctx.progress(p.stage, p.index + 1, p.total + 1);
        let analysis = analyze_shared(
            Arc::new(table),
            &config,
            Run {
                ingest: Some(&report),
                clock: Some((total, timer)),
                progress: ctx
                    .has_progress()
                    .then_some(&forward as lockstep_analyze::ProgressFn<'_>),
                cancel: Some(ctx.cancel),
            },
        )?;
        if let Some(o) = &out {
            analysis.write(o)?;
        }
        Ok(analysis)
    })?;
    Ok(PyAnalysis { inner })
}

/// `lockstep network ARGV...` in memory (argv includes `lockstep network` and a `--out`,
/// which is ignored): one Arrow stream capsule of edges per behaviour, in the order
/// named, with the CSV file's columns.
#[pyfunction]
#[pyo3(signature = (argv, posts=None))]
pub(crate) fn network_tables<'py>(
    py: Python<'py>,
    argv: Vec<String>,
    posts: Option<&Bound<'py, PyCapsule>>,
) -> PyResult<Vec<Bound<'py, PyCapsule>>> {
    let Command::Network(args) = parse(argv)? else {
        return Err(PyValueError::new_err("expected a network command line"));
    };
    let mut input = stream_input(posts)?;
    let batches = engine::run(py, None, move |ctx: &Ctx<'_>| {
        let configs = lockstep_cli::network_configs(&args)?;
        let loaded = load(&mut input, &args.input, args.rejected.clone())?;
        let mut batches = Vec::new();
        for config in &configs {
            if ctx.cancel.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(Error::cancelled());
            }
            let net = network(&loaded.table, config)?;
            let edges = net.edges();
            let batch = record_batch(net.edges_table(&edges))
                .map_err(|e| Error::from(anyhow::anyhow!("building the Arrow table: {e}")))?;
            batches.push(batch);
        }
        Ok(batches)
    })?;
    batches.into_iter().map(|b| capsule(py, b)).collect()
}

/// The columns of an analysis table (`accounts`, `edges`, `evidence`,
/// `coordinated_posts`) or of a network's edges (`network-native`, `network-cnt`,
/// `network-coortweet`): (name, kind) with kind `int`, `float`, `text` or `bool`, for
/// reading the CSV files with the types of the tables in memory.
#[pyfunction]
pub(crate) fn columns(name: &str) -> PyResult<Vec<(String, &'static str)>> {
    let cols = lockstep_analyze::tables::columns(name)
        .ok_or_else(|| PyKeyError::new_err(name.to_string()))?;
    Ok(cols
        .into_iter()
        .map(|(c, k)| {
            let kind = match k {
                Kind::Int => "int",
                Kind::Float => "float",
                Kind::Text => "text",
                Kind::Bool => "bool",
            };
            (c.to_string(), kind)
        })
        .collect())
}

fn arrow_error(e: ArrowError) -> PyErr {
    PyRuntimeError::new_err(format!("building the Arrow table: {e}"))
}

/// An Arrow stream capsule holding one record batch; pyarrow moves the stream out.
pub(crate) fn capsule(py: Python<'_>, batch: RecordBatch) -> PyResult<Bound<'_, PyCapsule>> {
    let schema = batch.schema();
    let reader = RecordBatchIterator::new([Ok(batch)], schema);
    let stream = FFI_ArrowArrayStream::new(Box::new(reader));
    PyCapsule::new_with_value(py, stream, STREAM)
}

/// A table of typed cells as one Arrow record batch.
fn record_batch(table: Table<'_>) -> Result<RecordBatch, ArrowError> {
    enum Col {
        I(Int64Builder),
        F(Float64Builder),
        T(StringBuilder),
        B(BooleanBuilder),
    }
    let mut cols: Vec<Col> = table
        .columns
        .iter()
        .map(|(_, k)| match k {
            Kind::Int => Col::I(Int64Builder::new()),
            Kind::Float => Col::F(Float64Builder::new()),
            Kind::Text => Col::T(StringBuilder::new()),
            Kind::Bool => Col::B(BooleanBuilder::new()),
        })
        .collect();
    for row in table.rows {
        for (col, cell) in cols.iter_mut().zip(row) {
            match (col, cell) {
                (Col::I(b), Cell::Int(i)) => b.append_value(i),
                (Col::F(b), Cell::Float(f)) if f.is_finite() => b.append_value(f),
                (Col::F(b), Cell::Float(_)) => b.append_null(),
                (Col::T(b), Cell::Text(t)) => b.append_value(t),
                (Col::B(b), Cell::Bool(x)) => b.append_value(x),
                (Col::I(b), _) => b.append_null(),
                (Col::F(b), _) => b.append_null(),
                (Col::T(b), _) => b.append_null(),
                (Col::B(b), _) => b.append_null(),
            }
        }
    }
    let fields: Vec<Field> = table
        .columns
        .iter()
        .map(|(name, k)| {
            let t = match k {
                Kind::Int => DataType::Int64,
                Kind::Float => DataType::Float64,
                Kind::Text => DataType::Utf8,
                Kind::Bool => DataType::Boolean,
            };
            Field::new(*name, t, true)
        })
        .collect();
    let arrays: Vec<ArrayRef> = cols
        .into_iter()
        .map(|c| -> ArrayRef {
            match c {
                Col::I(mut b) => Arc::new(b.finish()),
                Col::F(mut b) => Arc::new(b.finish()),
                Col::T(mut b) => Arc::new(b.finish()),
                Col::B(mut b) => Arc::new(b.finish()),
            }
        })
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}

/// Register this file's class and functions.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAnalysis>()?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(network_tables, m)?)?;
    m.add_function(wrap_pyfunction!(columns, m)?)?;
    Ok(())
}
