"""Shared fixtures: a generated scenario, and what the `lockstep` command (installed with
the package) writes for it, to compare the Python API against."""

import os
import shutil
import subprocess
import sys

import pytest


def lockstep_command():
    """The `lockstep` command of the installed wheel (never skipped: a missing command is a
    failed install)."""
    exe = shutil.which("lockstep", path=os.path.dirname(sys.executable))
    assert exe, f"the wheel did not install the `lockstep` command next to {sys.executable}"
    return exe


def run(*args, check=True):
    """Run the `lockstep` command; returns the finished process."""
    p = subprocess.run([lockstep_command(), *args], capture_output=True, text=True)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@pytest.fixture(scope="session")
def scenario(tmp_path_factory):
    """`lockstep generate --scenario basic --seed 1 --scale 0.1` (about 10,000 posts)."""
    out = tmp_path_factory.mktemp("scenario")
    run("generate", "--scenario", "basic", "--seed", "1", "--scale", "0.1", "--out", str(out))
    return out


@pytest.fixture(scope="session")
def cli_analysis(scenario, tmp_path_factory):
    """The directory `lockstep analyze posts.csv` writes."""
    out = tmp_path_factory.mktemp("cli-analyze")
    run("analyze", str(scenario / "posts.csv"), "--out", str(out))
    return out
