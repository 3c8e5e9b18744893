"""The Python API against the command line: same accounts, campaigns, edges and evidence
(in memory) as the command line's files, from a path, from pandas, from Polars and from
pyarrow; read, network, errors, the `lockstep` command, the Analysis object, progress and
Ctrl-C."""

import _thread
import json
import os
import signal
import subprocess
import sys

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import lockstep
from conftest import run

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def load_cli(directory):
    """The command line's outputs, read with the types of the tables in memory."""
    return lockstep.load(directory)


def assert_same_analysis(got, want):
    """Same accounts, campaigns, edges and evidence (row for row, column for column, value
    for value: the tables in memory hold what the files hold)."""
    assert got.campaigns == want.campaigns
    assert got.set_aside == want.set_aside
    assert got.narratives == want.narratives
    assert got.echo == want.echo
    for name in ("accounts", "edges", "evidence", "coordinated_posts"):
        pd.testing.assert_frame_equal(
            getattr(got, name), getattr(want, name), obj=name, check_exact=True
        )


def posts_frame(scenario):
    """posts.csv as pandas reads it, every column as text (as a CSV reader sees it)."""
    return pd.read_csv(scenario / "posts.csv", dtype=str, keep_default_na=False)


def test_scenario_has_campaigns(cli_analysis):
    want = load_cli(cli_analysis)
    # The comparisons below mean something only if there is something to compare.
    assert len(want.campaigns) >= 2
    assert len(want.accounts) > 10
    assert len(want.edges) > 10
    assert len(want.evidence) > 10


def test_analyze_path_matches_command_line(scenario, cli_analysis):
    got = lockstep.analyze(scenario / "posts.csv")
    assert_same_analysis(got, load_cli(cli_analysis))


def test_analyze_pandas_matches_command_line(scenario, cli_analysis):
    got = lockstep.analyze(posts_frame(scenario))
    assert_same_analysis(got, load_cli(cli_analysis))


def test_analyze_pyarrow_matches_command_line(scenario, cli_analysis):
    table = pacsv.read_csv(
        scenario / "posts.csv",
        convert_options=pacsv.ConvertOptions(column_types={}, strings_can_be_null=False),
        read_options=pacsv.ReadOptions(),
    )
    # pyarrow's CSV reader types the columns (integers, nulls); the engine reads them back
    # as the same text.
    got = lockstep.analyze(table)
    assert_same_analysis(got, load_cli(cli_analysis))


def test_analyze_polars_matches_command_line(scenario, cli_analysis):
    df = pl.read_csv(scenario / "posts.csv", infer_schema_length=0)
    got = lockstep.analyze(df)
    assert_same_analysis(got, load_cli(cli_analysis))


def test_analyze_options_are_the_command_lines(scenario, tmp_path):
    out = tmp_path / "cli"
    run(
        "analyze",
        str(scenario / "posts.csv"),
        "--out",
        str(out),
        "--window",
        "5m",
        "--behaviours",
        "co-repost,co-text",
        "--min-campaign-size",
        "4",
    )
    got = lockstep.analyze(
        scenario / "posts.csv",
        window="5m",
        behaviours=["co-repost", "co-text"],
        min_campaign_size=4,
    )
    assert_same_analysis(got, load_cli(out))
    assert got.summary["parameters"]["behaviours"] == ["co-repost", "co-text"]


def test_analysis_object(scenario, cli_analysis, tmp_path):
    got = lockstep.analyze(scenario / "posts.csv")
    assert got.summary["counts"]["campaigns"] == len(got.campaigns)
    assert isinstance(got.narratives, dict) and got.narratives
    # accounts.csv's columns and types.
    assert list(got.accounts.columns[:3]) == ["account_id", "campaign_id", "score"]
    assert got.accounts["account_id"].map(type).eq(str).all()
    assert got.accounts["campaign_id"].dtype.kind == "i"
    assert got.accounts["score"].dtype.kind == "f"
    # Arrow tables, as in memory.
    assert isinstance(got.arrow("evidence"), pa.Table)
    assert got.arrow("evidence").num_rows == got.summary["counts"]["evidence_rows"]
    # The graph has every account of a significant edge, with the file's attributes.
    g = got.graph()
    accounts = set(got.edges["source"]) | set(got.edges["target"])
    assert set(g.nodes) == accounts
    from_file = load_cli(cli_analysis).graph()
    assert set(from_file.nodes) == set(g.nodes)
    assert set(map(frozenset, from_file.edges)) == set(map(frozenset, g.edges))
    # Nothing was written; write() gives every file the command line writes (bar the
    # quarantine of rejected records, which goes to `out=`), with the same bytes for the
    # deterministic ones.
    assert got.dir is None
    written = got.write(tmp_path / "copy")
    files = sorted(f for f in os.listdir(cli_analysis) if f != "rejected.jsonl")
    assert sorted(os.listdir(written)) == files
    for name in ("accounts.csv", "edges.csv", "evidence.csv", "campaigns.json", "narratives.json",
                 "echo.json", "coordinated_posts.csv", "post_labels.csv", "network.graphml"):
        with open(os.path.join(written, name), "rb") as a, open(cli_analysis / name, "rb") as b:
            assert a.read() == b.read(), name
    html = got._repr_html_()
    assert "campaign" in html and "<table>" in html
    assert f"{len(got.campaigns)} campaign(s)" in repr(got)


def test_analyze_into_a_directory(scenario, tmp_path):
    got = lockstep.analyze(scenario / "posts.csv", out=tmp_path / "out")
    assert (tmp_path / "out" / "report.html").exists()
    assert got.dir == str(tmp_path / "out")


def cli_network(scenario, tmp_path, *args, semantics="native"):
    out = tmp_path / "net.csv"
    run("network", str(scenario / "posts.csv"), *args, "--semantics", semantics, "--out", str(out))
    return lockstep._read_csv(str(out), f"network-{semantics}")


@pytest.mark.parametrize(
    "behaviour,window,semantics",
    [
        ("co-repost", 60, "native"),
        ("co-text", 300, "native"),
        ("co-repost", 60, "cnt"),
        ("co-repost", 60, "coortweet"),
    ],
)
def test_network_matches_command_line(scenario, tmp_path, behaviour, window, semantics):
    want = cli_network(
        scenario, tmp_path, "--behaviour", behaviour, "--window", str(window), semantics=semantics
    )
    assert len(want) > 0
    got = lockstep.network(scenario / "posts.csv", behaviour, window, semantics=semantics)
    pd.testing.assert_frame_equal(got, want)
    got = lockstep.network(posts_frame(scenario), behaviour, window, semantics=semantics)
    pd.testing.assert_frame_equal(got, want)


def test_network_min_weight_and_types(scenario, tmp_path):
    want = cli_network(scenario, tmp_path, "--behaviour", "co-repost", "--window", "60", "--min-weight", "3")
    got = lockstep.network(scenario / "posts.csv", "co-repost", 60, min_weight=3)
    pd.testing.assert_frame_equal(got, want)
    assert (got["weight"] >= 3).all()
    assert list(got.columns[:4]) == ["source", "target", "weight", "edge_type"]
    assert got["source"].map(type).eq(str).all()
    assert got["weight"].dtype.kind == "i"


def test_network_several_behaviours(scenario):
    both = lockstep.network(scenario / "posts.csv", ["co-repost", "co-text"], 60)
    one = lockstep.network(scenario / "posts.csv", "co-repost", 60)
    two = lockstep.network(scenario / "posts.csv", "co-text", 60)
    pd.testing.assert_frame_equal(both, pd.concat([one, two], ignore_index=True))


def test_read_gives_the_posts(scenario, cli_analysis):
    posts = lockstep.read(scenario / "posts.csv")
    assert isinstance(posts, pa.Table)
    summary = json.loads((cli_analysis / "summary.json").read_text())
    assert posts.num_rows == summary["counts"]["posts"]
    assert posts.column_names[:5] == ["id", "platform", "author", "handle", "time"]
    assert pa.types.is_timestamp(posts.schema.field("time").type)
    kinds = posts.column("kind").to_pylist()
    assert kinds.count("repost") == summary["counts"]["kinds"]["repost"]
    assert kinds.count("original") == summary["counts"]["kinds"]["original"]


def test_read_table_goes_back_into_network_and_analyze(scenario, cli_analysis):
    posts = lockstep.read(scenario / "posts.csv")
    want = lockstep.network(scenario / "posts.csv", "co-repost", 60)
    pd.testing.assert_frame_equal(lockstep.network(posts, "co-repost", 60), want)
    assert_same_analysis(lockstep.analyze(posts), load_cli(cli_analysis))


def test_read_options_and_rejected(tmp_path):
    f = tmp_path / "posts.csv"
    f.write_text(
        "uid,created,body\n"
        "a,2024-05-01 12:00:00,hello\n"
        "b,not a time,bad\n"
        "c,2024-05-01 12:00:30,world\n"
    )
    posts, rejected = lockstep.read(
        f,
        format="generic-csv",
        map={"author": "uid", "time": "created", "text": "body"},
        time_zone="+08:00",
        platform="weibo",
        return_rejected=True,
    )
    assert posts.num_rows == 2
    assert posts.column("author").to_pylist() == ["a", "c"]
    assert posts.column("platform").to_pylist() == ["weibo", "weibo"]
    # 12:00 at +08:00 is 04:00 UTC.
    assert posts.column("time")[0].as_py().hour == 4
    assert rejected.num_rows == 1
    assert rejected.column("line").to_pylist() == [3]
    assert "not a time" in rejected.column("raw")[0].as_py()
    # Under --strict the same record stops the read, with the command line's message.
    with pytest.raises(lockstep.UsageError) as err:
        lockstep.read(f, format="generic-csv", map={"author": "uid", "time": "created"}, strict=True)
    cli = run(
        "network", str(f), "--format", "generic-csv", "--map", "author=uid", "--map", "time=created",
        "--strict", "--behaviour", "co-text", "--window", "60", "--out", str(tmp_path / "x.csv"),
        check=False,
    )
    assert cli.returncode == 2
    assert f"lockstep: {err.value}" in cli.stderr


def test_errors_have_the_command_lines_messages(scenario, tmp_path):
    path = str(scenario / "posts.csv")
    cases = [
        (dict(format="no-such-format"), ["--format", "no-such-format"]),
        (dict(map={"nonsense": "x"}), ["--map", "nonsense=x"]),
        (dict(window="soon"), ["--window", "soon"]),
        (dict(alpha=2), ["--alpha", "2"]),
    ]
    for options, flags in cases:
        with pytest.raises(lockstep.UsageError) as err:
            lockstep.analyze(path, **options)
        cli = run("analyze", path, "--out", str(tmp_path / "o"), *flags, check=False)
        assert cli.returncode == 2, flags
        assert f"lockstep: {err.value}" in cli.stderr, (str(err.value), cli.stderr)
    with pytest.raises(lockstep.UsageError, match="no-such-file"):
        lockstep.analyze(str(tmp_path / "no-such-file.csv"))
    with pytest.raises(lockstep.UsageError, match="not a DataFrame|posts must be"):
        lockstep.analyze(42)
    # A table whose columns map to no author is a usage error too, not a crash.
    with pytest.raises(lockstep.UsageError):
        lockstep.analyze(pa.table({"x": ["1", "2"]}))


def test_command_is_installed(tmp_path):
    p = run("--version")
    assert p.stdout.startswith("lockstep ")
    p = run("network", "--help")
    assert "--behaviour" in p.stdout
    # `python -m lockstep` is the same command.
    p = subprocess.run([sys.executable, "-m", "lockstep", "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout == run("--version").stdout


def test_notebook_example_runs(tmp_path):
    example = os.path.join(REPO, "examples", "notebook.py")
    p = subprocess.run(
        [sys.executable, example, str(tmp_path / "work")], capture_output=True, text=True
    )
    assert p.returncode == 0, p.stderr
    assert "campaign" in p.stdout


STAGES = ["read", "traces", "detect", "evidence", "signals", "narratives", "done"]


def test_progress_is_reported_in_order(scenario):
    seen = []
    lockstep.analyze(scenario / "posts.csv", progress=lambda *a: seen.append(a))
    assert seen == [(s, i, len(STAGES) - 1) for i, s in enumerate(STAGES)]


def test_progress_bar_only_where_someone_watches(monkeypatch):
    # In a pipe or a log (pytest captures stderr), "auto" shows nothing.
    monkeypatch.setattr(lockstep, "_watched", lambda: False)
    assert lockstep._Progress("auto").callback is None
    assert lockstep._Progress(False).callback is None
    seen = []
    callback = lockstep._Progress(lambda *a: seen.append(a)).callback
    callback("read", 0, 6)
    assert seen == [("read", 0, 6)]
    # In Jupyter or on a terminal, a tqdm bar if tqdm is there, else nothing.
    monkeypatch.setattr(lockstep, "_watched", lambda: True)
    try:
        import tqdm  # noqa: F401

        assert callable(lockstep._Progress("auto").callback)
    except ImportError:
        assert lockstep._Progress("auto").callback is None


def test_a_raising_progress_callback_stops_the_run(scenario):
    def stop(stage, index, total):
        if stage == "evidence":
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        lockstep.analyze(scenario / "posts.csv", progress=stop)


@pytest.fixture(scope="session")
def large_scenario(tmp_path_factory):
    """`lockstep generate --scenario basic --seed 2 --scale 0.5` (about 50,000 posts): a run
    long enough to interrupt."""
    out = tmp_path_factory.mktemp("large")
    run("generate", "--scenario", "basic", "--seed", "2", "--scale", "0.5", "--out", str(out))
    return out


@pytest.fixture
def python_handles_sigint():
    """Python's own SIGINT handler for the test's length. A process started in the
    background by a non-interactive shell inherits SIGINT ignored; Python then installs no
    handler and `_thread.interrupt_main` does nothing, as Ctrl-C would do nothing."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def test_ctrl_c_stops_a_run(large_scenario, python_handles_sigint):
    seen = []

    def interrupt_at_detect(stage, index, total):
        seen.append(stage)
        if stage == "detect":
            # What Ctrl-C does: SIGINT for the main thread, which waits in the engine.
            _thread.interrupt_main()

    with pytest.raises(KeyboardInterrupt):
        lockstep.analyze(large_scenario / "posts.csv", progress=interrupt_at_detect)
    assert seen[:3] == ["read", "traces", "detect"]
    # The engine stopped at its next check: the run never finished.
    assert "done" not in seen
    # And the package still works afterwards.
    again = []
    lockstep.analyze(large_scenario / "posts.csv", progress=lambda s, i, t: again.append(s))
    assert again[-1] == "done"
