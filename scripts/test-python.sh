#!/usr/bin/env bash
# The Python package (crates/lockstep-py): lint it, build its abi3 wheel with maturin (a
# cargo invocation of its own, in release), install the wheel into a fresh virtualenv at
# .venv-python and run its pytest suite there. Called by scripts/test.sh; fails, never
# skips, when a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-python
rm -rf "$venv"
if ! python3 -m venv "$venv" 2>/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-venv
    python3 -m venv "$venv"
fi
pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)
"${pip[@]}" "maturin>=1.5,<2"
export PYO3_PYTHON="$PWD/$venv/bin/python"

(cd crates/lockstep-py && cargo fmt -- --check && cargo clippy --quiet -- -D warnings)

wheels="$(mktemp -d)"
trap 'rm -rf "$wheels"' EXIT
(cd crates/lockstep-py && "../../$venv/bin/maturin" build --release --quiet --out "$wheels")
wheel=("$wheels"/lockstep-*.whl)
echo "wheel: $(basename "${wheel[0]}") ($(du -h "${wheel[0]}" | cut -f1))"
# The wheel and its test extras (pytest, networkx, Polars) and pyspark 4.x from PyPI.
"${pip[@]}" "${wheel[0]}[test,spark]"
# lockstep.spark's tests start a two-executor local cluster: Java 17 and the executors'
# Python (this virtualenv, which holds the wheel).
if ! command -v java >/dev/null; then
    apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless
fi
export SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$PWD/$venv/bin/python"
"$venv/bin/python" -m pytest -q crates/lockstep-py/tests
