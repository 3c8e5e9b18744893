"""What calling lockstep from Python costs over the command line, on the same posts.

    python bench/python_overhead.py POSTS.csv WORKDIR

Times, one after the other: `lockstep analyze POSTS --out WORKDIR/cli` (the command the
wheel installs: the same compiled engine), `lockstep.analyze(POSTS)` plus loading the
accounts, edges and evidence tables, and `lockstep.analyze(DataFrame)` from a pandas frame
read beforehand (the read is not timed). Prints one line per run, in seconds.
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


def from_path():
    a = lockstep.analyze(posts, out=work / "path")
    return len(a.accounts) + len(a.edges) + len(a.evidence)


timed("lockstep.analyze(path) + tables", from_path)
frame = pd.read_csv(posts, dtype=str, keep_default_na=False)


def from_frame():
    a = lockstep.analyze(frame, out=work / "pandas")
    return len(a.accounts) + len(a.edges) + len(a.evidence)


timed("lockstep.analyze(pandas) + tables", from_frame)
