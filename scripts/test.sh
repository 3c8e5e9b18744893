#!/usr/bin/env bash
# Runs every lockstep test on a fresh machine: installs what the tests need (the peer tool
# in a virtualenv), checks formatting and lints, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
    echo "cargo is required (https://rustup.rs)" >&2
    exit 1
fi
./scripts/setup-peers.sh
export LOCKSTEP_PEER_PYTHON="$PWD/.venv-peer/bin/python"

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace
