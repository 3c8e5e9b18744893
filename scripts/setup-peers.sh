#!/usr/bin/env bash
# Installs what the test suite needs besides Rust: the peer tool coordination-network-toolkit
# 1.5.2 (the oracle of the parity tests) in a throwaway virtualenv at .venv-peer.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-peer
want_cnt=1.5.2
if ! "$venv/bin/python" -c "import importlib.metadata as m; assert m.version('coordination-network-toolkit') == '$want_cnt'" 2>/dev/null; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
        apt-get update -qq && apt-get install -y -qq python3-venv
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check "coordination-network-toolkit==$want_cnt"
fi
echo "peer oracle: $("$venv/bin/python" -c "import importlib.metadata as m; print('coordination-network-toolkit', m.version('coordination-network-toolkit'))")"
