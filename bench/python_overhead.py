"""What calling lockstep from Python costs over the command line, on the same posts.

    python bench/python_overhead.py POSTS.csv WORKDIR

Times, one after the other: `lockstep analyze POSTS --out WORKDIR/cli` (the command the
wheel installs: the same compiled engine), `lockstep.analyze(POSTS)` in memory plus the
accounts, edges and evidence tables as pandas frames, the same with `out=` (every file
written, as the command line does), and `lockstep.analyze(DataFrame)` in memory from a
pandas frame read beforehand (the read is not timed). Prints one line per run, in seconds.
"""

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

import lockstep

posts, work = Path(sys.argv[1]), Path(sys.argv[2])
work.mkdir(parents=True, exist_ok=True)


def timed(label, fn):
    t = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - t:.1f} s", flush=True)
    return out


timed(
    "command line",
    lambda: subprocess.run(
        [str(Path(sys.executable).parent / "lockstep"), "analyze", str(posts), "--out", str(work / "cli")],
        check=True,
        stderr=subprocess.DEVNULL,
    ),
)


def tables(a):
    return len(a.accounts) + len(a.edges) + len(a.evidence)


timed("lockstep.analyze(path) in memory + tables", lambda: tables(lockstep.analyze(posts, progress=False)))
timed(
    "lockstep.analyze(path, out=) + tables",
    lambda: tables(lockstep.analyze(posts, out=work / "path", progress=False)),
)
frame = pd.read_csv(posts, dtype=str, keep_default_na=False)
timed("lockstep.analyze(pandas) in memory + tables", lambda: tables(lockstep.analyze(frame, progress=False)))
