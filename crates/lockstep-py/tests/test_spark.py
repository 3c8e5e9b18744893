"""lockstep.spark on a local multi-process cluster (two executors): its outputs equal
`lockstep.analyze`'s on generated scenarios, with hot objects split, on any partition
count and after a failed task; the cost guard and the behaviours not distributed yet are
refused. Needs pyspark (installed by scripts/test-python.sh) and Java 17; fails, never
skips, without them."""

import csv
import json
import os
import sys

import pytest

import lockstep
import lockstep.spark as lspark

from conftest import run

# Every default behaviour the generated data supports, but co-similar (not distributed).
BEHAVIOURS = "co-repost,co-link,co-text,co-reply,co-hashtag"


@pytest.fixture(scope="module")
def spark():
    import pyspark
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["SPARK_HOME"] = os.path.dirname(pyspark.__file__)
    s = (
        SparkSession.builder.master("local-cluster[2,1,1024]")
        .appName("lockstep-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.task.maxFailures", "4")
        .getOrCreate()
    )
    yield s
    s.stop()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """`lockstep generate --scenario mixed --seed 3 --scale 0.05`."""
    out = tmp_path_factory.mktemp("mixed")
    run("generate", "--scenario", "mixed", "--seed", "3", "--scale", "0.05", "--out", str(out))
    return out


def outputs(d):
    """What must be identical: accounts, campaigns, edges (with p and q), evidence and the
    tests' figures."""
    d = str(d)
    with open(os.path.join(d, "campaigns.json"), encoding="utf-8") as f:
        campaigns = json.load(f)
    with open(os.path.join(d, "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    files = {}
    for name in ("accounts.csv", "edges.csv", "evidence.csv", "coordinated_posts.csv"):
        with open(os.path.join(d, name), encoding="utf-8") as f:
            files[name] = f.read()
    return {
        "campaigns": campaigns,
        "behaviours": summary["behaviours"],
        "counts": summary["counts"],
        **files,
    }


def single(path, tmp_path, **options):
    # Rounds are not distributed: the Spark run is the single machine's without them.
    return outputs(
        lockstep.analyze(
            str(path), out=tmp_path / "single", behaviours=BEHAVIOURS, no_rounds=True, **options
        ).dir
    )


@pytest.fixture(scope="module")
def basic_single(scenario, tmp_path_factory):
    """The single machine's outputs on the basic scenario."""
    return single(scenario / "posts.csv", tmp_path_factory.mktemp("basic-single"))


def test_equal_to_single_machine_on_generated_scenarios(spark, scenario, mixed, basic_single, tmp_path):
    for name, path in (("basic", scenario / "posts.csv"), ("mixed", mixed / "posts.jsonl")):
        want = basic_single if name == "basic" else single(path, tmp_path / name)
        got = lspark.analyze(spark, str(path), out=tmp_path / name / "spark", behaviours=BEHAVIOURS)
        assert got.spark["partitions"] == 4
        assert outputs(got.dir) == want, name
        edges = list(csv.DictReader(open(os.path.join(got.dir, "edges.csv"), encoding="utf-8")))
        assert edges, f"{name}: the scenario has significant edges"
        assert want["campaigns"]["campaigns"], f"{name}: and campaigns"


def test_equal_with_hot_objects_split_and_a_failed_task_on_any_partitions(
    spark, scenario, basic_single, tmp_path
):
    path = str(scenario / "posts.csv")
    # A tiny block budget splits every busy object into time blocks, on 7 partitions, and
    # the first attempt of a block task fails (Spark retries it).
    split = lspark.analyze(
        spark, path, out=tmp_path / "split", behaviours=BEHAVIOURS, block_budget=20, partitions=7,
        _fail_once=True,
    )
    assert split.spark["split_objects"] > 0
    assert outputs(split.dir) == basic_single
    # From a Spark DataFrame of posts, on one partition.
    posts = spark.createDataFrame(lockstep.read(path))
    one = lspark.analyze(spark, posts, out=tmp_path / "one", behaviours=BEHAVIOURS, partitions=1)
    assert one.spark["partitions"] == 1
    got, want = outputs(one.dir), dict(basic_single)
    # Read from a table, not a file: the reading counts may differ, nothing else.
    got.pop("counts"), want.pop("counts")
    assert got == want


def test_cost_guard_and_what_is_not_distributed_are_refused(spark, scenario, tmp_path):
    path = str(scenario / "posts.csv")
    with pytest.raises(lspark.CostError) as e:
        lspark.analyze(spark, path, out=tmp_path / "guard", behaviours=BEHAVIOURS, max_co_actions=10)
    assert e.value.estimate > 10
    assert "max_co_actions" in str(e.value)
    with pytest.raises(lockstep.UsageError, match="co-similar is not distributed"):
        lspark.analyze(spark, path, out=tmp_path / "sim")
    with pytest.raises(lockstep.UsageError, match="co-post is not distributed"):
        lspark.analyze(spark, path, out=tmp_path / "post", behaviours="co-post")
