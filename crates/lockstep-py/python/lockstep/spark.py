"""lockstep on Apache Spark: the significance stage (co-actions, null model, p and q) over
a cluster, with the single machine's results exactly.

``analyze(spark, posts, out=..., **options)`` is :func:`lockstep.analyze` with the pair
test run as Spark jobs. The per-record work stays in Rust (lockstep-dist, called from
``mapInArrow``); the plan, proved exact by lockstep-dist's simulated-cluster test:

1. The driver reads the posts and prepares each behaviour's tested events (object,
   account, time, post) exactly as ``lockstep analyze`` does; they become one DataFrame.
2. A global pass counts each account's visits, each behaviour's events and objects, and
   the events per (object, window-wide time bucket). Those counts bound every object's
   co-actions: the cost guard refuses a run over ``max_co_actions`` with the estimate, and
   an object over ``block_budget`` is split into time blocks that read one bucket of
   context on each side.
3. Each block is swept by the kernel on an executor; a co-action is counted by the block
   that owns its earlier event. Per-pair partial counts are shuffled by account pair and
   summed (integers and minima: any order gives the same result).
4. The null model's constant is summed in fixed point; Poisson p-values are computed on
   the executors and only the pairs that can reach q <= alpha (p <= alpha K / m) come back
   to the driver, which runs Benjamini-Hochberg on them: the same edges, p and q.
5. Fusion, Leiden, evidence, narratives and the report run on the driver, as today.

Not distributed yet: co-similar (it needs a distributed near-duplicate stage) and co-post
(refused: every two posts in the window co-act); both are refused with a clear message.
The posts themselves are still read on the driver (see README, "Beyond one machine").
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, Dict, List, Optional, Union

import pyarrow as pa
import pyarrow.compute as pc

# Absolute, so that `spark-submit lockstep/spark.py` can run this file as a script.
from lockstep import Analysis, UsageError, _call, _lockstep, _options, _source, _Stream, _stream

__all__ = ["CostError", "analyze", "DEFAULT_BLOCK_BUDGET", "DEFAULT_MAX_CO_ACTIONS"]

#: Bounded co-acting pairs per block: an object over this is cut into time blocks.
DEFAULT_BLOCK_BUDGET = 5_000_000
#: The cost guard: a run whose bounded co-acting pairs exceed this is refused.
DEFAULT_MAX_CO_ACTIONS = 50_000_000_000

#: Window ids: behaviour index * _WIDS + window index.
_WIDS = 16

_BLOCK_SCHEMA = (
    "kind long, wid long, a long, b long, co long, posts_a long, posts_b long, "
    "objects long, min_dt long, sum_dt long, a_first long, b_first long, object long, "
    "accounts array<long>"
)
_BLOCK_ARROW = pa.schema(
    [(n, pa.int64()) for n in _BLOCK_SCHEMA.replace(" long", "").split(", ")[:13]]
    + [("accounts", pa.list_(pa.int64()))]
)
_PAIR = 0
_OBJECT_TAG = 1
_POST_TAG = 2
_OBJECT = 3
_SEGMENT = 4


class CostError(UsageError):
    """A run refused by the cost guard; ``estimate`` is its bounded co-acting pairs."""

    def __init__(self, message: str, estimate: int) -> None:
        super().__init__(message)
        self.estimate = estimate


def _table(batches) -> Optional[pa.Table]:
    batches = list(batches)
    if not batches:
        return None
    t = pa.Table.from_batches(batches)
    return t if t.num_rows else None


def _sweep(windows: Dict[int, tuple], fail_once: bool):
    """The executors' block sweep (a ``mapInArrow`` function)."""

    def run(batches):
        if fail_once:
            from pyspark import TaskContext

            ctx = TaskContext.get()
            if ctx is not None and ctx.partitionId() == 0 and ctx.attemptNumber() == 0:
                raise RuntimeError("lockstep.spark: injected task failure (test)")
        t = _table(batches)
        if t is None:
            return
        out = pa.table(_Stream(_lockstep.spark_blocks(t.__arrow_c_stream__(), windows)))
        yield from out.cast(_BLOCK_ARROW).to_batches()

    return run


def _nulls(events: Dict[int, int]):
    def run(batches):
        t = _table(batches)
        if t is None:
            return
        sums = _lockstep.spark_null(t.__arrow_c_stream__(), events)
        yield pa.RecordBatch.from_pydict(
            {"wid": [w for w, _ in sums], "s": [str(s) for _, s in sums]},
            schema=pa.schema([("wid", pa.int64()), ("s", pa.string())]),
        )

    return run


def _candidates(per_wid: Dict[int, tuple], min_co: int):
    def run(batches):
        t = _table(batches)
        if t is None:
            return
        keep = _lockstep.spark_candidates(t.__arrow_c_stream__(), per_wid, min_co)
        if keep:
            yield from t.take(pa.array(keep, pa.int64())).to_batches()

    return run


def _plan(counts: List[tuple], budget: int) -> List[int]:
    """First buckets of the blocks of one object's ``(bucket, events)`` (sorted), each
    within ``budget`` bounded pairs: lockstep-dist's ``plan_blocks``. Any cut is exact (the
    owner rule makes blocks add up), so this only balances the work."""

    def bound(cs):
        total = 0
        for k, (b, n) in enumerate(cs):
            total += n * (n - 1) // 2
            if k + 1 < len(cs) and cs[k + 1][0] == b + 1:
                total += n * cs[k + 1][1]
        return total

    starts, k = [], 0
    while k < len(counts):
        starts.append(counts[k][0])
        end = k + 1
        while end < len(counts) and bound(counts[k : min(end + 2, len(counts))]) <= budget:
            end += 1
        k = end
    return starts


def _assignments(starts: List[int], buckets: List[int]):
    """(bucket, block, owned) rows: each bucket's owner, and the neighbours that read it
    as context (lockstep-dist's ``blocks_of``)."""
    import bisect

    rows = []
    for b in buckets:
        owner = bisect.bisect_right(starts, b) - 1
        rows.append((b, owner, 1))
        if owner > 0 and b == starts[owner]:
            rows.append((b, owner - 1, 0))
        if owner + 1 < len(starts) and b + 1 == starts[owner + 1]:
            rows.append((b, owner + 1, 0))
    return rows


def analyze(
    spark: Any,
    posts: Any,
    out: Optional[Union[str, os.PathLike]] = None,
    *,
    partitions: Optional[int] = None,
    block_budget: int = DEFAULT_BLOCK_BUDGET,
    max_co_actions: int = DEFAULT_MAX_CO_ACTIONS,
    _fail_once: bool = False,
    **options: Any,
) -> Analysis:
    """Find campaigns as :func:`lockstep.analyze` does, with the pair test on the cluster of
    ``spark`` (a ``SparkSession``), and return an :class:`~lockstep.Analysis` of every
    output file (written to ``out``; default a temporary directory).

    ``posts`` is a Spark DataFrame of posts (columns as :func:`lockstep.read` names them,
    or mapped with ``map=``), a path or list of paths, or a local table. ``partitions``:
    shuffle partitions of the co-action stage (default twice the default parallelism);
    ``block_budget``: bounded co-acting pairs per block before a hot object is split;
    ``max_co_actions``: the cost guard (:class:`CostError` above it). Other options are
    ``lockstep analyze``'s; ``behaviours`` must leave out co-similar and co-post. Rounds
    (bursts of reposts and replies tested for overlaps) are not distributed: the outputs
    are those of :func:`lockstep.analyze` with ``no_rounds=True``.
    """
    from pyspark.sql import DataFrame, Window
    from pyspark.sql import functions as F

    if isinstance(posts, DataFrame):
        inputs, stream = ["<table>"], _stream(posts.toArrow())
    else:
        inputs, stream = _source(posts)
    keep = None
    if out is None:
        keep = tempfile.TemporaryDirectory(prefix="lockstep-spark-")
        directory = keep.name
    else:
        directory = os.fspath(out)
    argv = ["lockstep", "analyze", *inputs, "--out", directory, *_options(options)]
    run = _call(_lockstep.spark_prepare, argv, stream)
    alpha, min_co = run.test_params()
    infos = run.behaviours()
    parts_n = partitions or max(2, spark.sparkContext.defaultParallelism * 2)

    # 1. The tested events of every behaviour, one DataFrame; one row per window.
    tables, wid_rows, windows = [], [], {}
    for i, (_name, wins, stamps, multi, bursts, _n) in enumerate(infos):
        t = pa.table(_Stream(run.events(i)))
        tables.append(t.append_column("beh", pa.array([i] * t.num_rows, pa.int64())))
        for k, stamp in enumerate(stamps):
            wid = i * _WIDS + k
            windows[wid] = (stamp, multi, bursts)
            wid_rows.append((wid, i, stamp))
    if not wid_rows:
        raise UsageError("no behaviour to test")
    events = spark.createDataFrame(pa.concat_tables(tables)).repartition(parts_n)
    wdf = spark.createDataFrame(wid_rows, "wid long, beh long, stamp long")
    ev_w = events.join(F.broadcast(wdf), "beh").withColumn(
        "bucket", F.expr("(time - pmod(time, stamp)) div stamp")
    )

    # 2. The global pass: degrees, events, objects; bucket counts, the cost guard, plans.
    deg = events.groupBy("beh", "account").agg(F.count(F.lit(1)).alias("d")).persist()
    per_beh: Dict[int, Any] = {
        i: {"active": 0, "sum_d2": 0, "events": 0} for i in range(len(infos))
    }
    per_beh.update(
        (r["beh"], r.asDict())
        for r in deg.groupBy("beh")
        .agg(
            F.count(F.lit(1)).alias("active"),
            F.sum(F.col("d") * F.col("d")).alias("sum_d2"),
            F.sum("d").alias("events"),
        )
        .collect()
    )
    objects = {i: 0 for i in range(len(infos))}
    objects.update(
        (r["beh"], r["objects"])
        for r in events.groupBy("beh").agg(F.countDistinct("object").alias("objects")).collect()
    )
    counts = ev_w.groupBy("wid", "object", "bucket").agg(F.count(F.lit(1)).alias("n"))
    w = Window.partitionBy("wid", "object").orderBy("bucket")
    bounds = (
        counts.withColumn("nb", F.lead("bucket").over(w))
        .withColumn("nn", F.lead("n").over(w))
        .withColumn(
            "pairs",
            F.expr("n * (n - 1) div 2 + if(nb = bucket + 1, n * nn, 0)"),
        )
        .groupBy("wid", "object")
        .agg(F.sum("pairs").alias("bound"))
        .persist()
    )
    estimate = bounds.agg(F.sum("bound")).collect()[0][0] or 0
    if estimate > max_co_actions:
        raise CostError(
            f"refused: this run's co-acting pairs are bounded by {estimate:,}, over "
            f"max_co_actions={max_co_actions:,} (fewer behaviours, a shorter window, or a "
            f"larger budget)",
            estimate,
        )
    hot = bounds.filter(F.col("bound") > block_budget).select("wid", "object")
    hot_counts = counts.join(hot, ["wid", "object"]).collect()
    by_object: Dict[tuple, List[tuple]] = {}
    for r in hot_counts:
        by_object.setdefault((r["wid"], r["object"]), []).append((r["bucket"], r["n"]))
    assign = []
    for (wid, obj), cs in by_object.items():
        cs.sort()
        starts = _plan(cs, block_budget)
        split = 1 if len(starts) > 1 else 0
        for b, block, owned in _assignments(starts, [c[0] for c in cs]):
            assign.append((wid, obj, b, block, owned, split))
    adf = spark.createDataFrame(
        assign, "wid long, object long, bucket long, block long, owned long, split long"
    )
    blocked = (
        ev_w.join(F.broadcast(adf), ["wid", "object", "bucket"], "left")
        .select(
            "wid",
            "object",
            F.coalesce("block", F.lit(0)).alias("block"),
            F.coalesce("split", F.lit(0)).alias("split"),
            F.coalesce("owned", F.lit(1)).alias("owned"),
            "account",
            "time",
            "post",
        )
        .repartition(parts_n, "wid", "object", "block")
        .sortWithinPartitions("wid", "object", "block", "time", "post")
    )

    # 3. Blocks swept on the executors; partials summed by pair.
    parts = blocked.mapInArrow(_sweep(windows, _fail_once), _BLOCK_SCHEMA).persist()
    kind = F.col("kind")
    summed = (
        parts.filter(kind == _PAIR)
        .groupBy("wid", "a", "b")
        .agg(
            F.sum("co").alias("co"),
            F.sum("posts_a").alias("pa0"),
            F.sum("posts_b").alias("pb0"),
            F.sum("objects").alias("ob0"),
            F.min("min_dt").alias("min_dt"),
            F.sum("sum_dt").alias("sum_dt"),
            F.sum("a_first").alias("a_first"),
            F.sum("b_first").alias("b_first"),
        )
    )
    object_tags = (
        parts.filter(kind == _OBJECT_TAG)
        .select("wid", "a", "b", "object")
        .distinct()
        .groupBy("wid", "a", "b")
        .agg(F.count(F.lit(1)).alias("ob1"))
    )
    post_tags = (
        parts.filter(kind == _POST_TAG)
        .select("wid", "a", "b", F.col("posts_a").alias("side"), F.col("posts_b").alias("post"))
        .distinct()
        .groupBy("wid", "a", "b")
        .agg(F.sum("side").alias("pa1"), F.sum(F.lit(1) - F.col("side")).alias("pb1"))
    )
    merged = (
        summed.join(object_tags, ["wid", "a", "b"], "left")
        .join(post_tags, ["wid", "a", "b"], "left")
        .filter(F.col("co") > 0)
        .select(
            "wid",
            "a",
            "b",
            "co",
            (F.col("pa0") + F.coalesce("pa1", F.lit(0))).alias("posts_a"),
            (F.col("pb0") + F.coalesce("pb1", F.lit(0))).alias("posts_b"),
            (F.col("ob0") + F.coalesce("ob1", F.lit(0))).alias("objects"),
            "min_dt",
            "sum_dt",
            "a_first",
            "b_first",
        )
        .persist()
    )
    totals = merged.groupBy("wid").agg(
        F.count(F.lit(1)).alias("observed"),
        F.sum(F.when(F.col("co") >= min_co, 1).otherwise(0)).alias("tested"),
        F.sum("co").alias("co_actions"),
    ).collect()
    figures = {r["wid"]: (r["observed"], r["tested"]) for r in totals}
    co_actions = sum(int(r["co_actions"] or 0) for r in totals)

    # 4. The null constant (fixed point), candidates, burst overlaps.
    events_of = {wid: int(per_beh[beh]["events"]) for wid, beh, _ in wid_rows}
    object_figures = (
        parts.filter(kind == _OBJECT)
        .groupBy("wid", "object")
        .agg(F.sum("co").alias("n"), F.sum("objects").alias("within"))
    )
    null: Dict[int, int] = {wid: 0 for wid, _, _ in wid_rows}
    for r in object_figures.mapInArrow(_nulls(events_of), "wid long, s string").collect():
        null[r["wid"]] += int(r["s"])
    per_wid = {}
    for wid, beh, _ in wid_rows:
        observed, tested = figures.get(wid, (0, 0))
        bound = run.candidate_bound(beh, int(per_beh[beh]["active"]), int(tested or 0))
        per_wid[wid] = (null[wid] / float(1 << 120), bound)
    with_d = (
        merged.join(F.broadcast(wdf.select("wid", "beh")), "wid")
        .join(
            deg.select("beh", F.col("account").alias("a"), F.col("d").alias("d_a")),
            ["beh", "a"],
        )
        .join(
            deg.select("beh", F.col("account").alias("b"), F.col("d").alias("d_b")),
            ["beh", "b"],
        )
        .select(
            "wid", "a", "b", "co", "posts_a", "posts_b", "objects", "min_dt", "sum_dt",
            "a_first", "b_first", "d_a", "d_b",
        )
    )
    cand = with_d.mapInArrow(_candidates(per_wid, min_co), with_d.schema)
    segments = parts.filter(kind == _SEGMENT).select(
        "wid",
        "object",
        F.col("a").alias("first_time"),
        F.col("b").alias("first_post"),
        F.col("posts_a").alias("joins"),
        F.col("posts_b").alias("open"),
        F.col("co").alias("events"),
        F.col("objects").alias("last_time"),
        "accounts",
    )
    seg_all = segments.toArrow()
    groups: Dict[int, list] = {}
    group_rows = []
    for wid, beh, _ in wid_rows:
        if not infos[beh][4]:
            groups[wid] = []
            continue
        mine = seg_all.filter(pc.equal(seg_all["wid"], wid))
        g = run.group_pairs(beh, mine.__arrow_c_stream__(), int(per_beh[beh]["sum_d2"]), events_of[wid])
        groups[wid] = g
        group_rows += [(wid, a, b) for a, b, _ in g]
    kept = cand
    if group_rows:
        gdf = spark.createDataFrame(group_rows, "wid long, a long, b long")
        kept = cand.unionByName(with_d.join(F.broadcast(gdf), ["wid", "a", "b"]).select(*with_d.columns))
    kept_all = kept.toArrow()

    # 5. The driver: p, q and the best window per pair; then every output file.
    for beh, info in enumerate(infos):
        per_window = []
        for k in range(len(info[1])):
            wid = beh * _WIDS + k
            observed, tested = figures.get(wid, (0, 0))
            mine = kept_all.filter(pc.equal(kept_all["wid"], wid))
            per_window.append(
                (int(observed), int(tested or 0), null[wid], mine.__arrow_c_stream__(), groups[wid])
            )
        run.finish(beh, per_window, int(per_beh[beh]["active"]), int(objects[beh]))
    for df in (deg, bounds, parts, merged):
        df.unpersist()
    _call(run.write)
    result = Analysis(directory=directory)
    # A temporary output directory lives as long as the result.
    result._keep = keep  # type: ignore[attr-defined]
    #: What the cluster did: the cost estimate, split objects and blocks.
    result.spark = {
        "estimate": int(estimate),
        "co_actions": co_actions,
        "split_objects": len([1 for cs in by_object.values() if len(_plan(sorted(cs), block_budget)) > 1]),
        "partitions": parts_n,
    }
    return result


def main(argv: Optional[List[str]] = None) -> None:
    """``lockstep-spark INPUT... --out DIR [options]``: ``lockstep analyze`` with the pair
    test on Spark (run it with ``spark-submit``; inputs are Parquet or any format lockstep
    reads; Parquet directories of a Spark job are read by Spark)."""
    import argparse
    import sys

    p = argparse.ArgumentParser(
        prog="lockstep-spark",
        description="lockstep analyze with the significance stage on Apache Spark. "
        "Other options (--behaviours, --window, ...) are lockstep analyze's.",
    )
    p.add_argument("inputs", nargs="+")
    p.add_argument("--out", required=True)
    p.add_argument("--partitions", type=int)
    p.add_argument("--block-budget", type=int, default=DEFAULT_BLOCK_BUDGET)
    p.add_argument("--max-co-actions", type=int, default=DEFAULT_MAX_CO_ACTIONS)
    p.add_argument("--spark-parquet", action="store_true", help="read the inputs with Spark as Parquet")
    args, rest = p.parse_known_args(argv)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("lockstep").getOrCreate()
    posts: Any = args.inputs
    if args.spark_parquet:
        posts = spark.read.parquet(*args.inputs)
    extra: Dict[str, Any] = {}
    # Options for lockstep analyze, given as --name value or --flag.
    k = 0
    while k < len(rest):
        name = rest[k].lstrip("-").replace("-", "_")
        if k + 1 < len(rest) and not rest[k + 1].startswith("--"):
            extra[name] = rest[k + 1]
            k += 2
        else:
            extra[name] = True
            k += 1
    try:
        a = analyze(
            spark,
            posts,
            out=args.out,
            partitions=args.partitions,
            block_budget=args.block_budget,
            max_co_actions=args.max_co_actions,
            **extra,
        )
    except UsageError as e:
        print(f"lockstep-spark: {e}", file=sys.stderr)
        sys.exit(2)
    c = a.summary.get("counts", {})
    print(
        f"lockstep-spark: {c.get('campaigns', 0)} campaign(s), {c.get('edges', 0)} significant edges in {a.dir}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
