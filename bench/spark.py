"""What the Spark stage costs beside the single machine, on the same posts.

    python bench/spark.py POSTS WORKDIR [BEHAVIOURS]

Runs `lockstep.analyze(POSTS)` (one process) and `lockstep.spark.analyze` on a
`local-cluster[2,1,1024]` (two executor JVMs with their Python workers), checks that
edges.csv is the same, and prints for each: wall time, CPU seconds (the process tree:
driver, JVMs, Python workers), co-actions counted, CPU per co-action, and for Spark the
shuffle bytes written (Spark's REST API) per co-action. Needs pyspark, Java 17,
SPARK_LOCAL_IP=127.0.0.1 and PYSPARK_PYTHON set to this Python.
"""

import json
import os
import sys
import time
import urllib.request
from pathlib import Path

import lockstep
import lockstep.spark

posts, work = sys.argv[1], Path(sys.argv[2])
behaviours = sys.argv[3] if len(sys.argv) > 3 else "co-repost,co-link,co-text,co-reply,co-hashtag"
work.mkdir(parents=True, exist_ok=True)
TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of `root` and every live descendant."""
    kids, cpu = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kids.setdefault(int(parts[1]), []).append(int(d))
        cpu[int(d)] = (int(parts[11]) + int(parts[12])) / TICK
    total, todo = 0.0, [root]
    while todo:
        p = todo.pop()
        total += cpu.get(p, 0.0)
        todo += kids.get(p, [])
    return total


def measure(label, fn):
    c, t = tree_cpu(os.getpid()), time.perf_counter()
    out = fn()
    wall, cpu = time.perf_counter() - t, tree_cpu(os.getpid()) - c
    print(f"{label}: wall {wall:.1f} s, CPU {cpu:.1f} s", flush=True)
    return out, cpu


single, cpu1 = measure(
    "single machine", lambda: lockstep.analyze(posts, out=work / "single", behaviours=behaviours)
)

os.environ["SPARK_HOME"] = os.path.dirname(__import__("pyspark").__file__)
from pyspark.sql import SparkSession  # noqa: E402

spark = (
    SparkSession.builder.master("local-cluster[2,1,1024]")
    .config("spark.ui.port", "4077")
    .config("spark.sql.shuffle.partitions", "4")
    .getOrCreate()
)
spark.range(10).count()  # warm up the executors before measuring
app = spark.sparkContext.applicationId


def shuffle_bytes() -> int:
    url = f"http://127.0.0.1:4077/api/v1/applications/{app}/stages?status=complete"
    with urllib.request.urlopen(url) as r:
        return sum(s.get("shuffleWriteBytes", 0) for s in json.load(r))


before = shuffle_bytes()
dist, cpu2 = measure(
    "spark local-cluster[2,1,1024]",
    lambda: lockstep.spark.analyze(spark, posts, out=work / "spark", behaviours=behaviours),
)
shuffled = shuffle_bytes() - before
same = open(work / "single" / "edges.csv").read() == open(work / "spark" / "edges.csv").read()
co = dist.spark["co_actions"]
print(f"edges.csv identical: {same}; co-actions (all windows): {co:,}")
print(f"CPU per co-action: single {cpu1 / co * 1e6:.2f} us, spark {cpu2 / co * 1e6:.2f} us")
print(f"shuffle written: {shuffled:,} bytes, {shuffled / co:.1f} bytes per co-action")
print(f"cost guard estimate: {dist.spark['estimate']:,} bounded pairs")
spark.stop()
