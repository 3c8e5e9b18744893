"""lockstep: find coordinated amplification campaigns in social-media data.

The engine is the ``lockstep`` command line's, compiled into this package: the same
readers, options, checks and error messages, with posts handed over as Arrow tables.

- :func:`read` reads files in any format lockstep reads into a ``pyarrow.Table`` of posts.
- :func:`network` builds one account co-action network (``lockstep network``) as a
  ``pandas.DataFrame``, in memory.
- :func:`analyze` finds campaigns (``lockstep analyze``) and returns an :class:`Analysis`
  held in memory (Arrow tables, dicts); ``Analysis.write(dir)`` writes the files.
- :func:`load` reads a directory ``lockstep analyze`` wrote into an :class:`Analysis`.

Posts are a path, a list of paths, or a table: a ``pyarrow.Table`` or ``RecordBatchReader``,
a pandas or Polars DataFrame, or anything with ``__arrow_c_stream__``. A table's columns
are read as ``--format generic-csv`` reads a file's: named as lockstep guesses them
(``id``/``message_id``, ``author``/``user_id``, ``time``/``timestamp``, ``text``, ...) or
mapped with ``map={"author": "uid", "time": "created"}``.

Every other keyword is the command line's option of the same name (``time_zone="+08:00"``
is ``--time-zone +08:00``; ``strict=True`` is ``--strict``). Bad usage and unreadable
input raise :class:`UsageError` (a ``ValueError``), a failed run :class:`LockstepError`,
with the command line's message.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import _lockstep

__version__: str = _lockstep.__version__

__all__ = [
    "Analysis",
    "LockstepError",
    "UsageError",
    "analyze",
    "load",
    "network",
    "read",
]


class LockstepError(Exception):
    """A run that failed (exit code 1 on the command line)."""


class UsageError(LockstepError, ValueError):
    """Bad options or unreadable input, including ``strict=True`` rejections (exit code 2
    on the command line)."""


def _call(fn, *args):
    """Call the engine, turning its exceptions into lockstep's (a KeyboardInterrupt stays
    one)."""
    try:
        return fn(*args)
    except ValueError as e:
        raise UsageError(str(e)) from None
    except RuntimeError as e:
        raise LockstepError(str(e)) from None


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _options(options: Dict[str, Any]) -> List[str]:
    """Keyword arguments as command-line options: ``True`` is a bare flag, ``False`` and
    ``None`` are left out, ``map`` is a dict (or pairs) of key -> column."""
    argv: List[str] = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        if name == "map":
            pairs = value.items() if isinstance(value, dict) else value
            for key, column in pairs:
                argv += ["--map", f"{key}={column}"]
        elif value is True:
            argv.append(_flag(name))
        elif isinstance(value, (list, tuple)) and name in ("behaviours", "behaviour"):
            argv += [_flag(name), ",".join(str(v) for v in value)]
        else:
            argv += [_flag(name), os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return argv


Posts = Any
"""A path, a list of paths, or a table (pyarrow, pandas, Polars, or any object with
``__arrow_c_stream__``)."""


def _source(posts: Posts) -> Tuple[List[str], Any]:
    """The input paths and, for a table, its Arrow stream capsule."""
    if isinstance(posts, (str, bytes, os.PathLike)):
        return [os.fsdecode(posts)], None
    if isinstance(posts, (list, tuple)) and all(
        isinstance(p, (str, bytes, os.PathLike)) for p in posts
    ):
        if not posts:
            raise UsageError("no input files")
        return [os.fsdecode(p) for p in posts], None
    return ["<table>"], _stream(posts)


def _stream(table: Any) -> Any:
    """The Arrow C stream capsule of a table (moved to the engine without a copy)."""
    mod = type(table).__module__.split(".")[0]
    if mod == "pandas":
        # pandas' own __arrow_c_stream__ (2.2+) keeps a non-default index as a column;
        # from_pandas without the index is the same on every pandas version.
        import pyarrow as pa

        table = pa.Table.from_pandas(table, preserve_index=False)
    elif mod == "polars" and not hasattr(table, "__arrow_c_stream__"):
        table = table.to_arrow()
    if not hasattr(table, "__arrow_c_stream__"):
        raise UsageError(
            f"posts must be a path, a list of paths or a table (pyarrow, pandas, Polars), "
            f"not {type(table).__name__}"
        )
    return table.__arrow_c_stream__()


class _Stream:
    """An Arrow stream capsule from the engine, for ``pyarrow.table``."""

    def __init__(self, capsule: Any) -> None:
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._capsule


def read(
    paths: Posts,
    format: str = "auto",
    *,
    return_rejected: bool = False,
    **options: Any,
):
    """Read posts into a ``pyarrow.Table``, as every lockstep command reads them.

    ``paths`` is a file or directory, a list of them, or a table to read with a column
    mapping. ``format`` is a reader's name (``lockstep analyze --help`` lists them) or
    ``"auto"``. Options are the command line's: ``map={"author": "uid"}``,
    ``time_format``, ``time_zone``, ``crawl_time``, ``platform``, ``delimiter``,
    ``strict``, ``max_record_mib``.

    The table's columns are id, platform, author, handle, time (UTC), kind, repost_of,
    reply_to, quote_of, text, urls, hashtags, mentions and lang; it goes back into
    :func:`network` and :func:`analyze` with no mapping. Bad records are quarantined, not
    lost: with ``return_rejected=True`` the result is ``(posts, rejected)`` where
    ``rejected`` is a table of file, line, reason and raw record.
    """
    import pyarrow as pa

    inputs, stream = _source(paths)
    argv = ["lockstep read", *inputs, "--format", format, *_options(options)]
    with tempfile.TemporaryDirectory(prefix="lockstep-read-") as tmp:
        rejected_path = os.path.join(tmp, "rejected.jsonl")
        capsule, _count = _call(_lockstep.read, argv, rejected_path, stream)
        table = pa.table(_Stream(capsule))
        if not return_rejected:
            return table
        return table, _rejected_table(rejected_path)


_REJECTED_SCHEMA = None


def _rejected_table(path: str):
    """The quarantined records (JSON lines: file, line, reason, raw) as a table."""
    import pyarrow as pa

    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    schema = pa.schema(
        [("file", pa.string()), ("line", pa.int64()), ("reason", pa.string()), ("raw", pa.string())]
    )
    return pa.Table.from_pylist(
        [{k: r.get(k) for k in schema.names} for r in rows], schema=schema
    )


def _arrow_types():
    import pyarrow as pa

    return {"int": pa.int64(), "float": pa.float64(), "text": pa.string(), "bool": pa.bool_()}


def _read_csv(path: str, table: str):
    """One of the engine's CSV outputs as a DataFrame with the types of the tables in
    memory (``table`` names its columns: ``accounts``, ``edges``, ``evidence``,
    ``coordinated_posts``, ``network-native``, ``network-cnt``, ``network-coortweet``):
    identifiers as text, numbers as numbers, empty text as empty strings."""
    import pyarrow.csv as pacsv

    types = _arrow_types()
    columns = {name: types[kind] for name, kind in _lockstep.columns(table)}
    data = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types=columns, strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    return data.to_pandas()


def _frame(capsule: Any):
    """An Arrow stream capsule from the engine as a DataFrame."""
    import pyarrow as pa

    return pa.table(_Stream(capsule)).to_pandas()


class _Progress:
    """Progress of a run: a tqdm bar where someone watches (a Jupyter kernel, or a
    terminal on stderr) and tqdm is installed; nothing in a pipe, a log or a batch job."""

    def __init__(self, progress: Any) -> None:
        self._bar = None
        self._tqdm = None
        self.callback = None
        # An exception the caller's callback raised: it stops the run and is raised as is.
        self.error: Optional[BaseException] = None
        if callable(progress):
            self._user = progress
            self.callback = self._call_user
        elif progress == "auto" and _watched():
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self._tqdm = tqdm
            self.callback = self._update

    def _call_user(self, stage: str, index: int, total: int) -> None:
        try:
            self._user(stage, index, total)
        except BaseException as e:
            self.error = e
            raise

    def _update(self, stage: str, index: int, total: int) -> None:
        if self._bar is None:
            self._bar = self._tqdm(total=total, desc="lockstep", unit="stage", leave=False)
        self._bar.n = index
        self._bar.set_postfix_str(stage, refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _watched() -> bool:
    """True in a Jupyter kernel, or when stderr is a terminal."""
    import sys

    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def network(
    posts: Posts,
    behaviour: Union[str, Sequence[str]],
    window: float,
    min_weight: int = 1,
    semantics: str = "native",
    **options: Any,
):
    """One account co-action network, as ``lockstep network`` writes it: a
    ``pandas.DataFrame`` with the same rows and columns (source, target, weight,
    edge_type, and per semantics the pair statistics), built in memory.

    ``behaviour`` is co-repost, co-link, co-text, co-similar, co-reply, co-hashtag,
    co-post or co-object (several, comma-separated or a list, give one frame with every
    edge, in the order named); ``window`` is in seconds; ``semantics`` is native, cnt
    (coordination-network-toolkit) or coortweet (CooRTweet). Other options are the command
    line's: ``similarity``, ``min_participation``, ``edge_weight``, ``self_loops``, the
    reading options of :func:`read`, ``format``, and ``rejected`` (a file for rejected
    records). Ctrl-C stops the run between behaviours.
    """
    import pyarrow as pa

    behaviours = [behaviour] if isinstance(behaviour, str) else list(behaviour)
    names = [b.strip() for item in behaviours for b in item.split(",") if b.strip()]
    inputs, stream = _source(posts)
    argv = [
        "lockstep",
        "network",
        *inputs,
        "--behaviour",
        ",".join(names),
        "--window",
        str(window),
        "--min-weight",
        str(min_weight),
        "--semantics",
        semantics,
        "--out",
        "-",
        *_options(options),
    ]
    capsules = _call(_lockstep.network_tables, argv, stream)
    tables = [pa.table(_Stream(c)) for c in capsules]
    return pa.concat_tables(tables).to_pandas()


class Analysis:
    """The results of :func:`analyze`, in memory (or of a directory ``lockstep analyze``
    wrote, with :func:`load`).

    - ``campaigns``: list of dicts, as campaigns.json's ``campaigns``
    - ``set_aside``: groups that looked coordinated but were not reported, and why
    - ``accounts``, ``edges``, ``evidence``, ``coordinated_posts``: DataFrames with the
      CSV files' columns (identifiers and times as text); ``arrow(name)`` gives the same
      as a ``pyarrow.Table``
    - ``summary``, ``narratives``, ``echo``: summary.json, narratives.json and echo.json
      as dicts
    - ``graph()``: the fused account graph as a networkx graph
    - ``write(dir)``: every file ``lockstep analyze`` writes, report.html among them
    - ``dir``: where the files are, if they were written (``out=``) or loaded
    """

    def __init__(self, native: Any = None, directory: Optional[str] = None) -> None:
        self._native = native
        self.dir = directory
        self._cache: Dict[str, Any] = {}

    def _document(self, name: str) -> Any:
        if name not in self._cache:
            if self._native is not None:
                self._cache[name] = json.loads(self._native.document(name))
            else:
                path = os.path.join(self.dir, f"{name}.json")
                if os.path.exists(path):
                    with open(path, encoding="utf-8") as f:
                        self._cache[name] = json.load(f)
                else:
                    self._cache[name] = {}
        return self._cache[name]

    def arrow(self, name: str):
        """A table (``accounts``, ``edges``, ``evidence``, ``coordinated_posts``) as a
        ``pyarrow.Table``."""
        import pyarrow as pa

        if self._native is not None:
            return pa.table(_Stream(self._native.table(name)))
        return pa.Table.from_pandas(self._frame(name), preserve_index=False)

    def _frame(self, name: str):
        key = "frame:" + name
        if key not in self._cache:
            if self._native is not None:
                self._cache[key] = _frame(self._native.table(name))
            else:
                self._cache[key] = _read_csv(os.path.join(self.dir, f"{name}.csv"), name)
        return self._cache[key]

    @property
    def campaigns(self) -> List[Dict[str, Any]]:
        """Campaigns, strongest first, as in campaigns.json."""
        return self._document("campaigns").get("campaigns", [])

    @property
    def set_aside(self) -> List[Dict[str, Any]]:
        """Groups set aside (not reported as campaigns), with the reason."""
        return self._document("campaigns").get("set_aside", [])

    @property
    def accounts(self):
        """accounts.csv: one row per campaign member."""
        return self._frame("accounts")

    @property
    def edges(self):
        """edges.csv: every significant account pair per behaviour."""
        return self._frame("edges")

    @property
    def evidence(self):
        """evidence.csv: every co-action behind a significant edge."""
        return self._frame("evidence")

    @property
    def coordinated_posts(self):
        """coordinated_posts.csv: every post that took part in such a co-action."""
        return self._frame("coordinated_posts")

    @property
    def summary(self) -> Dict[str, Any]:
        """summary.json: inputs, counts, parameters and timings."""
        return self._document("summary")

    @property
    def narratives(self) -> Dict[str, Any]:
        """narratives.json: message templates, narratives, escalation and watch terms."""
        return self._document("narratives")

    @property
    def echo(self) -> Dict[str, Any]:
        """echo.json: references and seed accounts with their echo."""
        return self._document("echo")

    def graph(self):
        """The fused graph of accounts with a significant edge (network.graphml) as a
        ``networkx.Graph``: node attributes campaign, score, handle, posts, platform;
        edge attributes weight, behaviours, co_actions, campaign."""
        import networkx as nx

        if self._native is None:
            return nx.read_graphml(os.path.join(self.dir, "network.graphml"))
        doc = json.loads(self._native.graph())
        g = nx.Graph()
        for n in doc["nodes"]:
            attrs = dict(n)
            g.add_node(attrs.pop("id"), **attrs)
        for e in doc["edges"]:
            attrs = dict(e)
            g.add_edge(attrs.pop("source"), attrs.pop("target"), **attrs)
        return g

    def write(self, directory: Union[str, os.PathLike]) -> str:
        """Write every file ``lockstep analyze`` writes (report.html, the CSV, JSON, GEXF,
        GraphML and Parquet files) into ``directory``; returns its path."""
        directory = os.fspath(directory)
        if self._native is not None:
            _call(self._native.write, directory)
            return directory
        os.makedirs(directory, exist_ok=True)
        for name in sorted(os.listdir(self.dir)):
            src = os.path.join(self.dir, name)
            dst = os.path.join(directory, name)
            if os.path.isdir(src):
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)
        return directory

    def __repr__(self) -> str:
        c = self.summary.get("counts", {})
        where = f"; files in {self.dir}" if self.dir else ""
        return (
            f"<lockstep.Analysis: {c.get('campaigns', len(self.campaigns))} campaign(s), "
            f"{c.get('campaign_accounts', '?')} accounts, {c.get('edges', '?')} significant "
            f"edges, from {c.get('posts', '?')} posts{where}>"
        )

    def _repr_html_(self) -> str:
        import html

        c = self.summary.get("counts", {})
        rows = []
        for camp in self.campaigns[:20]:
            behaviours = ", ".join(sorted(camp.get("behaviours", {})))
            rows.append(
                "<tr><td>{}</td><td>{}</td><td>{:.3f}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                    camp.get("id"),
                    camp.get("size"),
                    float(camp.get("score", 0.0)),
                    html.escape(behaviours),
                    html.escape(str(camp.get("first_post", ""))),
                    html.escape(str(camp.get("last_post", ""))),
                )
            )
        more = len(self.campaigns) - 20
        tail = f"<p>… and {more} more</p>" if more > 0 else ""
        files = f" Files: <code>{html.escape(self.dir)}</code>" if self.dir else ""
        return (
            "<div class='lockstep-analysis'>"
            f"<p><b>lockstep</b>: {c.get('campaigns', 0)} campaign(s), "
            f"{c.get('campaign_accounts', 0)} accounts, {c.get('edges', 0)} significant edges, "
            f"{c.get('evidence_rows', 0)} evidence rows, from {c.get('posts', 0)} posts "
            f"({c.get('rejected', 0)} rejected).{files}</p>"
            "<table><thead><tr><th>campaign</th><th>accounts</th><th>score</th>"
            "<th>behaviours</th><th>first post</th><th>last post</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
            + tail
            + "</div>"
        )


def load(directory: Union[str, os.PathLike]) -> Analysis:
    """The results ``lockstep analyze`` wrote into ``directory``, as an :class:`Analysis`
    (the same types as one made in memory)."""
    return Analysis(directory=os.fspath(directory))


def analyze(
    posts: Posts,
    out: Optional[Union[str, os.PathLike]] = None,
    *,
    progress: Any = "auto",
    **options: Any,
) -> Analysis:
    """Find campaigns, as ``lockstep analyze`` does, and return an :class:`Analysis` held
    in memory.

    ``out``, when given, is where every output file is written too (and where rejected
    records go); :meth:`Analysis.write` writes them later. Options are the command line's:
    ``window`` (``"5m"``), ``behaviours`` (``"co-repost,co-link"`` or a list), ``alpha``,
    ``min_co_actions``, ``min_campaign_size``, ``min_campaign_score``,
    ``min_exclusivity``, ``visit_gap``, ``reference``, ``seed_accounts``, ``watch``, the
    reading options of :func:`read` and ``format``.

    ``progress``: ``"auto"`` shows a tqdm bar in Jupyter or on a terminal when tqdm is
    installed (nothing in a pipe or a log); ``False`` shows nothing; a callable is called
    as ``progress(stage, index, total)`` as each stage starts (``read``, ``traces``,
    ``detect``, ``evidence``, ``signals``, ``narratives``, then ``done``). Ctrl-C stops
    the run at the next stage (KeyboardInterrupt).
    """
    inputs, stream = _source(posts)
    directory = os.fspath(out) if out is not None else None
    argv = ["lockstep", "analyze", *inputs, "--out", directory or "-", *_options(options)]
    bar = _Progress(progress)
    try:
        native = _call(_lockstep.analyze, argv, stream, directory, bar.callback)
    except LockstepError:
        if bar.error is not None:
            raise bar.error from None
        raise
    finally:
        bar.close()
    return Analysis(native, directory)
