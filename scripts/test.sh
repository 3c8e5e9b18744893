#!/usr/bin/env bash
# Runs every lockstep test on a fresh machine: installs what the tests need (the peer tool
# in a virtualenv), checks formatting and lints, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
    echo "cargo is required (https://rustup.rs)" >&2
    exit 1
fi
# A from-scratch build gains nothing from incremental caches, which would add gigabytes.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
./scripts/setup-peers.sh
export LOCKSTEP_PEER_PYTHON="$PWD/.venv-peer/bin/python"
# Report and export tests: Debian's Chromium, playwright-core, networkx and DuckDB.
./scripts/setup-report-tests.sh
export LOCKSTEP_REPORT_PYTHON="$PWD/.venv-report/bin/python"

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

# The release binary runs the service tests (crates/lockstep-serve/tests/serve_*.rs stream
# hundreds of thousands of posts through `lockstep serve`) and the browser tests.
cargo build --release -p lockstep-cli
LOCKSTEP_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/lockstep"
export LOCKSTEP_BIN
cargo test --workspace

# The Python package: its wheel built by maturin, installed in a fresh virtualenv, and its
# pytest suite (crates/lockstep-py/tests), including the README's notebook example.
./scripts/test-python.sh

# Browser tests of report.html and of the live dashboard (tests/browser): playwright-core
# drives /usr/bin/chromium headless. They fail, never skip, when Chromium, node_modules or
# the binary are missing.
(cd tests/browser && node --test --test-concurrency=1)
