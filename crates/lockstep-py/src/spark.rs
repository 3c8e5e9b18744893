//! The native half of `lockstep.spark`: the driver's run (posts read and traces prepared
//! as `analyze` prepares them, significant edges in, every output file out) and the
//! executors' per-partition work (blocks swept by the kernel, null model terms, candidate
//! pairs), over Arrow streams. The design and its proof of exactness are lockstep-dist's.

use crate::engine::to_py;
use crate::{parse, stream_input, ArrowInput, STREAM};
use arrow_array::builder::{Int64Builder, ListBuilder};
use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch, RecordBatchIterator};
use arrow_schema::{DataType, Field, Schema};
use lockstep_analyze::input::Loaded;
use lockstep_analyze::{AnalyzeConfig, Run, Timer};
use lockstep_campaigns::significance::{candidate_ln_p_bound, TestParams};
use lockstep_campaigns::stats::{poisson_ln_sf, FixedSum};
use lockstep_campaigns::timing::Resolution;
use lockstep_campaigns::{prepare, test_params, BehaviourEdges};
use lockstep_cli::cli::{AnalyzeArgs, Command};
use lockstep_dist::block::BlockParams;
use lockstep_dist::driver::{
    finish_behaviour, group_pairs, hypotheses, stitch_bursts, BehaviourFigures, WindowFigures,
};
use lockstep_dist::{block_partials, Segment};
use lockstep_networks::native::PairStats;
use lockstep_traces::{Behaviour, Event, Trace};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

fn bad(msg: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(msg.to_string())
}

/// What Python learns of a prepared behaviour: name, windows asked for and on the stamps
/// (ms), several objects per post, bursts wanted, tested events.
type BehaviourInfo = (String, Vec<i64>, Vec<i64>, bool, bool, usize);

/// One behaviour prepared for the cluster.
struct Prepared {
    behaviour: Behaviour,
    tested: Trace,
    acts: usize,
    resolution: Resolution,
    windows_ms: Vec<i64>,
    edges: Option<BehaviourEdges>,
}

/// The driver's side of one distributed `analyze`.
#[pyclass(unsendable)]
pub struct SparkRun {
    args: AnalyzeArgs,
    config: AnalyzeConfig,
    loaded: Loaded,
    prepared: Vec<Prepared>,
    test: TestParams,
    clock: Option<(Instant, Timer)>,
}

/// Read the posts and prepare the traces of `lockstep analyze ARGV...` (posts from the
/// Arrow stream `posts` when given). Behaviours that are not distributed yet are refused.
#[pyfunction]
#[pyo3(signature = (argv, posts=None))]
pub fn spark_prepare(
    py: Python<'_>,
    argv: Vec<String>,
    posts: Option<&Bound<'_, PyCapsule>>,
) -> PyResult<SparkRun> {
    let Command::Analyze(args) = parse(argv)? else {
        return Err(bad("expected an analyze command line"));
    };
    let mut input: Option<ArrowInput> = stream_input(posts)?;
    py.detach(move || -> lockstep_analyze::Result<SparkRun> {
        let total = Instant::now();
        let mut timer = Timer::start();
        std::fs::create_dir_all(&args.out)?;
        let mut config = lockstep_cli::analyze_config(&args)?;
        // Rounds (bursts of reposts and replies tested for overlaps) are not distributed:
        // a Spark run is `lockstep analyze --no-rounds`'s.
        config.detection.rounds = false;
        let loaded = crate::load(&mut input, &args.input, Some(args.out.join("rejected.jsonl")))?;
        timer.lap("ingest");
        let traces = lockstep_analyze::traces(&loaded.table, &config)?;
        let usage = |m: String| lockstep_analyze::Error::usage(anyhow::anyhow!(m));
        let mut prepared = Vec::new();
        for (trace, windows_ms) in traces.traces {
            let b = trace.behaviour;
            if matches!(b, Behaviour::CoSimilar | Behaviour::CoPost) {
                return Err(usage(format!(
                    "{b} is not distributed: {} (choose behaviours=..., or run `lockstep analyze` on one machine)",
                    if b == Behaviour::CoSimilar {
                        "it needs a distributed near-duplicate stage (MinHash/LSH), not written yet"
                    } else {
                        "any two posts in the window co-act, far too many on platform-scale data"
                    }
                )));
            }
            let (tested, resolution) = prepare(&loaded.table, &trace, &config.detection);
            if resolution.mixed() {
                return Err(usage(format!(
                    "{b} mixes time grids ({}); the distributed test handles one grid per behaviour",
                    resolution.name()
                )));
            }
            let acts = trace.events.len();
            prepared.push(Prepared {
                behaviour: b,
                tested: tested.unwrap_or(trace),
                acts,
                resolution,
                windows_ms,
                edges: None,
            });
        }
        timer.lap("traces");
        let test = test_params(&config.detection);
        Ok(SparkRun {
            args,
            config,
            loaded,
            prepared,
            test,
            clock: Some((total, timer)),
        })
    })
    .map_err(to_py)
}

fn capsule<'py>(py: Python<'py>, batch: RecordBatch) -> PyResult<Bound<'py, PyCapsule>> {
    let schema = batch.schema();
    let reader = RecordBatchIterator::new([Ok(batch)], schema);
    let stream = FFI_ArrowArrayStream::new(Box::new(reader));
    PyCapsule::new_with_value(py, stream, STREAM)
}

fn int_batch(columns: Vec<(&str, Vec<i64>)>) -> PyResult<RecordBatch> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, _)| Field::new(*n, DataType::Int64, false))
        .collect();
    let arrays: Vec<ArrayRef> = columns
        .into_iter()
        .map(|(_, v)| Arc::new(Int64Array::from(v)) as ArrayRef)
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(bad)
}

/// Every batch of an Arrow stream, with Int64 columns looked up by name.
struct Columns {
    batches: Vec<RecordBatch>,
}

impl Columns {
    fn read(stream: &Bound<'_, PyCapsule>) -> PyResult<Self> {
        let reader = ArrowInput::from_capsule(stream)?.0;
        let batches = reader.collect::<Result<Vec<_>, _>>().map_err(bad)?;
        Ok(Columns { batches })
    }

    fn col(&self, name: &str) -> PyResult<Vec<i64>> {
        let mut out = Vec::new();
        for b in &self.batches {
            let c = b
                .column_by_name(name)
                .ok_or_else(|| bad(format!("missing column {name}")))?;
            let c = c
                .as_primitive_opt::<Int64Type>()
                .ok_or_else(|| bad(format!("column {name} is not int64")))?;
            out.extend(c.iter().map(|v| v.unwrap_or(0)));
        }
        Ok(out)
    }

    fn lists(&self, name: &str) -> PyResult<Vec<Vec<i64>>> {
        let mut out = Vec::new();
        for b in &self.batches {
            let c = b
                .column_by_name(name)
                .ok_or_else(|| bad(format!("missing column {name}")))?;
            let list = c
                .as_list_opt::<i32>()
                .ok_or_else(|| bad(format!("column {name} is not a list")))?;
            for i in 0..list.len() {
                let v = list.value(i);
                let v = v
                    .as_primitive_opt::<Int64Type>()
                    .ok_or_else(|| bad(format!("column {name} is not a list of int64")))?;
                out.push(v.iter().map(|x| x.unwrap_or(0)).collect());
            }
        }
        Ok(out)
    }
}

#[pymethods]
impl SparkRun {
    /// The prepared behaviours: name, windows asked for and on the stamps (ms), whether a
    /// post can act on several objects, whether bursts count (group evidence on a behaviour
    /// whose bursts are paired, see `lockstep_campaigns::bursts::pairing`), and the tested
    /// events.
    fn behaviours(&self) -> Vec<BehaviourInfo> {
        self.prepared
            .iter()
            .map(|p| {
                (
                    p.behaviour.name().to_string(),
                    p.windows_ms.clone(),
                    p.windows_ms
                        .iter()
                        .map(|&w| p.resolution.stamp_window_ms(w))
                        .collect(),
                    p.tested.multi_object_posts,
                    self.test.group_evidence
                        && lockstep_campaigns::bursts::pairing(p.behaviour).is_some(),
                    p.tested.events.len(),
                )
            })
            .collect()
    }

    /// The tested events of behaviour `i` (object, account, time, post), as an Arrow
    /// stream: the traces the cluster works on.
    fn events<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyCapsule>> {
        let p = self
            .prepared
            .get(i)
            .ok_or_else(|| bad("no such behaviour"))?;
        let ev = &p.tested.events;
        let batch = int_batch(vec![
            ("object", ev.iter().map(|e| e.object as i64).collect()),
            ("account", ev.iter().map(|e| e.account as i64).collect()),
            ("time", ev.iter().map(|e| e.time).collect()),
            ("post", ev.iter().map(|e| e.post as i64).collect()),
        ])?;
        capsule(py, batch)
    }

    /// The test's parameters: alpha, min co-actions.
    fn test_params(&self) -> (f64, u64) {
        (self.test.alpha, self.test.min_co_actions)
    }

    /// The candidate bound on ln p of behaviour `i` with `active` accounts and `tested`
    /// tested pairs in one window.
    fn candidate_bound(&self, i: usize, active: usize, tested: u64) -> PyResult<f64> {
        let p = self
            .prepared
            .get(i)
            .ok_or_else(|| bad("no such behaviour"))?;
        Ok(candidate_ln_p_bound(
            self.test.alpha,
            p.windows_ms.len(),
            hypotheses(active),
            tested,
        ))
    }

    /// Pair keys (a, b) in a significant burst overlap of behaviour `i` at one window, from
    /// its burst pieces (an Arrow stream of the blocks' kind-4 rows), the sum of squared
    /// degrees and the events.
    fn group_pairs(
        &self,
        i: usize,
        segments: &Bound<'_, PyCapsule>,
        sum_d2: u128,
        events: u64,
    ) -> PyResult<Vec<(u32, u32, f64)>> {
        let p = self
            .prepared
            .get(i)
            .ok_or_else(|| bad("no such behaviour"))?;
        let c = Columns::read(segments)?;
        let segs = segments_of(&c)?;
        let bursts = stitch_bursts(segs);
        let g = group_pairs(
            p.behaviour,
            &bursts,
            sum_d2,
            events,
            p.windows_ms.len(),
            &self.test,
        );
        let mut out: Vec<(u32, u32, f64)> = g
            .into_iter()
            .map(|(k, q)| ((k >> 32) as u32, k as u32, q))
            .collect();
        out.sort_by_key(|x| (x.0, x.1));
        Ok(out)
    }

    /// Finish behaviour `i`: `figures` per window is (observed, tested, null constant as
    /// a fixed-point integer, pairs stream, group pairs); `global` is (active accounts,
    /// objects). Pairs carry their statistics and both degrees.
    #[allow(clippy::type_complexity)]
    fn finish(
        &mut self,
        i: usize,
        figures: Vec<(u64, u64, u128, Bound<'_, PyCapsule>, Vec<(u32, u32, f64)>)>,
        active: usize,
        objects: usize,
    ) -> PyResult<usize> {
        let test = self.test.clone();
        let p = self
            .prepared
            .get_mut(i)
            .ok_or_else(|| bad("no such behaviour"))?;
        if figures.len() != p.windows_ms.len() {
            return Err(bad("one figure per window"));
        }
        let mut degree: HashMap<u32, u64> = HashMap::new();
        let mut windows = Vec::new();
        for ((observed, tested, null, pairs, group), &w) in figures.into_iter().zip(&p.windows_ms) {
            let c = Columns::read(&pairs)?;
            let get = |n: &str| c.col(n);
            let (a, b) = (get("a")?, get("b")?);
            let (da, db) = (get("d_a")?, get("d_b")?);
            let (co, pa, pb, ob) = (
                get("co")?,
                get("posts_a")?,
                get("posts_b")?,
                get("objects")?,
            );
            let (mn, sm, af, bf) = (
                get("min_dt")?,
                get("sum_dt")?,
                get("a_first")?,
                get("b_first")?,
            );
            let mut stats = Vec::with_capacity(a.len());
            for k in 0..a.len() {
                degree.insert(a[k] as u32, da[k] as u64);
                degree.insert(b[k] as u32, db[k] as u64);
                stats.push(PairStats {
                    a: a[k] as u32,
                    b: b[k] as u32,
                    co_actions: co[k] as u64,
                    posts_a: pa[k] as u64,
                    posts_b: pb[k] as u64,
                    objects: ob[k] as u64,
                    min_dt_ms: mn[k],
                    sum_dt_ms: sm[k],
                    a_first: af[k] as u64,
                    b_first: bf[k] as u64,
                });
            }
            stats.sort_by_key(|s| (s.a, s.b));
            stats.dedup_by_key(|s| (s.a, s.b));
            windows.push(WindowFigures {
                window_ms: w,
                stamp_window_ms: p.resolution.stamp_window_ms(w),
                pairs: stats,
                observed,
                tested,
                null_c: FixedSum(null),
                group: group
                    .into_iter()
                    .map(|(a, b, q)| (lockstep_dist::pair_key(a, b), q))
                    .collect(),
            });
        }
        let (edges, summary) = finish_behaviour(
            BehaviourFigures {
                behaviour: p.behaviour,
                acts: p.acts,
                visits: p.tested.events.len() as u64,
                resolution: p.resolution.clone(),
                active,
                objects,
                windows,
            },
            |a| degree.get(&a).copied().unwrap_or(0),
            &test,
        );
        let n = edges.len();
        p.edges = Some(BehaviourEdges {
            behaviour: p.behaviour,
            edges,
            summary,
        });
        Ok(n)
    }

    /// Fuse, find campaigns and write every output file of `analyze` into its `--out`.
    fn write(&mut self, py: Python<'_>) -> PyResult<()> {
        let mut edges = Vec::new();
        for p in &mut self.prepared {
            edges.push(p.edges.take().ok_or_else(|| {
                PyRuntimeError::new_err(format!("{} was not finished", p.behaviour))
            })?);
        }
        let clock = self
            .clock
            .take()
            .ok_or_else(|| PyRuntimeError::new_err("already written"))?;
        let (table, config, out, report) = (
            &self.loaded.table,
            &self.config,
            self.args.out.clone(),
            &self.loaded.report,
        );
        py.detach(move || {
            let run = Run {
                ingest: Some(report),
                clock: Some(clock),
                ..Run::default()
            };
            lockstep_analyze::analyze_with_edges(table, config, run, edges)?.write(&out)
        })
        .map_err(to_py)
    }

    /// The output directory.
    fn out(&self) -> PathBuf {
        self.args.out.clone()
    }
}

fn segments_of(c: &Columns) -> PyResult<Vec<Segment>> {
    let (object, ft, fp) = (c.col("object")?, c.col("first_time")?, c.col("first_post")?);
    let (joins, open, events) = (c.col("joins")?, c.col("open")?, c.col("events")?);
    let last = c.col("last_time")?;
    let accounts = c.lists("accounts")?;
    Ok((0..object.len())
        .map(|k| Segment {
            object: object[k] as u32,
            first: (ft[k], fp[k] as u32),
            last: last[k],
            joins_previous: joins[k] != 0,
            open_end: open[k] != 0,
            events: events[k] as u64,
            accounts: accounts[k].iter().map(|&a| a as u32).collect(),
        })
        .collect())
}

/// Kinds of the rows [`spark_blocks`] emits.
const PAIR: i64 = 0;
const OBJECT_TAG: i64 = 1;
const POST_TAG: i64 = 2;
const OBJECT: i64 = 3;
const SEGMENT: i64 = 4;

/// Sweep the blocks of one partition: rows (wid, object, block, split, owned, account,
/// time, post) sorted by (wid, object, block, time, post); `windows` gives, per wid, the
/// stamp window (ms), whether posts act on several objects, and whether to find bursts.
/// Emits one table of kinds: 0 pair partials, 1 split-object tags, 2 post tags, 3 object
/// figures, 4 burst pieces.
#[pyfunction]
pub fn spark_blocks<'py>(
    py: Python<'py>,
    rows: &Bound<'py, PyCapsule>,
    windows: HashMap<i64, (i64, bool, bool)>,
) -> PyResult<Bound<'py, PyCapsule>> {
    let c = Columns::read(rows)?;
    let (wid, object, block) = (c.col("wid")?, c.col("object")?, c.col("block")?);
    let (split, owned) = (c.col("split")?, c.col("owned")?);
    let (account, time, post) = (c.col("account")?, c.col("time")?, c.col("post")?);
    let out = py.detach(|| -> PyResult<Out> {
        let mut out = Out::default();
        let n = wid.len();
        let mut i = 0;
        while i < n {
            let mut j = i;
            while j < n && (wid[j], object[j], block[j]) == (wid[i], object[i], block[i]) {
                j += 1;
            }
            let &(window_ms, multi, bursts) = windows
                .get(&wid[i])
                .ok_or_else(|| bad(format!("no window for wid {}", wid[i])))?;
            let events: Vec<Event> = (i..j)
                .map(|k| Event {
                    time: time[k],
                    object: object[k] as u32,
                    account: account[k] as u32,
                    post: post[k] as u32,
                })
                .collect();
            let lo = (i..j).position(|k| owned[k] != 0).unwrap_or(0);
            let hi = (i..j).rposition(|k| owned[k] != 0).map_or(0, |p| p + 1);
            let params = BlockParams {
                window_ms,
                exact: true,
                multi_object_posts: multi,
                bursts,
            };
            let within =
                |x: &Event, y: &Event| lockstep_kernel::within_window(x.time, y.time, window_ms);
            let r = block_partials(
                object[i] as u32,
                &events,
                lo..hi,
                split[i] != 0,
                &params,
                &within,
            );
            out.push_block(wid[i], object[i], r);
            i = j;
        }
        Ok(out)
    })?;
    capsule(py, out.batch()?)
}

#[derive(Default)]
struct Out {
    cols: [Vec<i64>; 13],
    accounts: Vec<Vec<i64>>,
}

const OUT_COLUMNS: [&str; 13] = [
    "kind", "wid", "a", "b", "co", "posts_a", "posts_b", "objects", "min_dt", "sum_dt", "a_first",
    "b_first", "object",
];

impl Out {
    fn row(&mut self, v: [i64; 13], accounts: Vec<i64>) {
        for (c, x) in self.cols.iter_mut().zip(v) {
            c.push(x);
        }
        self.accounts.push(accounts);
    }

    fn push_block(&mut self, wid: i64, object: i64, r: lockstep_dist::BlockOutput) {
        for p in r.pairs {
            self.row(
                [
                    PAIR,
                    wid,
                    p.a as i64,
                    p.b as i64,
                    p.co_actions as i64,
                    p.posts_a as i64,
                    p.posts_b as i64,
                    p.objects as i64,
                    p.min_dt_ms,
                    p.sum_dt_ms,
                    p.a_first as i64,
                    p.b_first as i64,
                    object,
                ],
                Vec::new(),
            );
        }
        for (key, o) in r.tags.objects {
            let (a, b) = ((key >> 32) as i64, (key as u32) as i64);
            self.row(
                [OBJECT_TAG, wid, a, b, 0, 0, 0, 0, 0, 0, 0, 0, o as i64],
                Vec::new(),
            );
        }
        for (key, side_a, post) in r.tags.post_hits {
            let (a, b) = ((key >> 32) as i64, (key as u32) as i64);
            // posts_a carries the side, posts_b the post.
            self.row(
                [
                    POST_TAG,
                    wid,
                    a,
                    b,
                    0,
                    side_a as i64,
                    post as i64,
                    0,
                    0,
                    0,
                    0,
                    0,
                    object,
                ],
                Vec::new(),
            );
        }
        // Object figures: co = owned events, objects = pairs within the window.
        self.row(
            [
                OBJECT,
                wid,
                0,
                0,
                r.events as i64,
                0,
                0,
                r.within as i64,
                0,
                0,
                0,
                0,
                object,
            ],
            Vec::new(),
        );
        for s in r.segments {
            // a, b = first (time, post); co = events; posts_a/b = joins/open; objects =
            // last time.
            self.row(
                [
                    SEGMENT,
                    wid,
                    s.first.0,
                    s.first.1 as i64,
                    s.events as i64,
                    s.joins_previous as i64,
                    s.open_end as i64,
                    s.last,
                    0,
                    0,
                    0,
                    0,
                    object,
                ],
                s.accounts.iter().map(|&a| a as i64).collect(),
            );
        }
    }

    fn batch(self) -> PyResult<RecordBatch> {
        let mut fields: Vec<Field> = OUT_COLUMNS
            .iter()
            .map(|n| Field::new(*n, DataType::Int64, false))
            .collect();
        let mut arrays: Vec<ArrayRef> = self
            .cols
            .into_iter()
            .map(|v| Arc::new(Int64Array::from(v)) as ArrayRef)
            .collect();
        let mut lists = ListBuilder::new(Int64Builder::new());
        for a in self.accounts {
            lists.values().append_slice(&a);
            lists.append(true);
        }
        let lists = lists.finish();
        fields.push(Field::new("accounts", lists.data_type().clone(), true));
        arrays.push(Arc::new(lists));
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(bad)
    }
}

/// Null model terms of one partition: rows (wid, n, within) per object; `events` gives
/// each wid's visits. Returns each wid's partial sum, fixed point.
#[pyfunction]
pub fn spark_null(
    rows: &Bound<'_, PyCapsule>,
    events: HashMap<i64, u64>,
) -> PyResult<Vec<(i64, u128)>> {
    let c = Columns::read(rows)?;
    let (wid, n, within) = (c.col("wid")?, c.col("n")?, c.col("within")?);
    let mut sums: HashMap<i64, FixedSum> = HashMap::new();
    for k in 0..wid.len() {
        let e = *events
            .get(&wid[k])
            .ok_or_else(|| bad(format!("no events for wid {}", wid[k])))?;
        let t = lockstep_campaigns::significance::null_term(n[k] as u64, within[k] as u64, e);
        sums.entry(wid[k]).or_default().add(t);
    }
    Ok(sums.into_iter().map(|(w, s)| (w, s.0)).collect())
}

/// Keep the candidate pairs of one partition: rows (wid, co, d_a, d_b, ...) whose ln p
/// under `(constant, bound)` of their wid is within the bound (and co >= min). Returns
/// the row numbers to keep.
#[pyfunction]
pub fn spark_candidates(
    rows: &Bound<'_, PyCapsule>,
    per_wid: HashMap<i64, (f64, f64)>,
    min_co_actions: u64,
) -> PyResult<Vec<usize>> {
    let c = Columns::read(rows)?;
    let (wid, co, da, db) = (c.col("wid")?, c.col("co")?, c.col("d_a")?, c.col("d_b")?);
    let mut keep = Vec::new();
    for k in 0..wid.len() {
        let Some(&(constant, bound)) = per_wid.get(&wid[k]) else {
            continue;
        };
        if (co[k] as u64) < min_co_actions {
            continue;
        }
        let lambda = da[k] as f64 * db[k] as f64 * constant;
        if poisson_ln_sf(co[k] as u64, lambda) <= bound {
            keep.push(k);
        }
    }
    Ok(keep)
}

/// Register the Spark functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SparkRun>()?;
    m.add_function(wrap_pyfunction!(spark_prepare, m)?)?;
    m.add_function(wrap_pyfunction!(spark_blocks, m)?)?;
    m.add_function(wrap_pyfunction!(spark_null, m)?)?;
    m.add_function(wrap_pyfunction!(spark_candidates, m)?)?;
    Ok(())
}
