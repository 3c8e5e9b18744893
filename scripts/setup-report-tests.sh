#!/usr/bin/env bash
# Installs what the report and export tests need besides Rust:
# - Debian's Chromium (/usr/bin/chromium) for the browser tests, via apt when missing;
# - playwright-core (tests/browser, `npm ci` from its package-lock.json; it drives the
#   system Chromium and downloads no browser of its own);
# - a virtualenv .venv-report with networkx and DuckDB, which load the GEXF, GraphML and
#   Parquet exports in crates/lockstep-cli/tests/exports.rs, and stix2 and
#   stix2-validator, which check stix.json in crates/lockstep-cli/tests/stix.rs.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi
echo "browser: $(/usr/bin/chromium --version 2>/dev/null | head -1)"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nodejs npm >/dev/null
fi
want_pw=$(node -p "require('./tests/browser/package.json').devDependencies['playwright-core']")
have_pw=$(node -p "try { require('./tests/browser/node_modules/playwright-core/package.json').version } catch (e) { '' }")
if [ "$have_pw" != "$want_pw" ]; then
    # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: the tests use Debian's Chromium.
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
echo "playwright-core: $(node -p "require('./tests/browser/node_modules/playwright-core/package.json').version")"

venv=.venv-report
want_networkx=3.6.1
want_duckdb=1.5.6
want_stix2=3.0.2
want_stix2_validator=3.3.2
if ! "$venv/bin/python" -c "
import importlib.metadata as m
assert m.version('networkx') == '$want_networkx' and m.version('duckdb') == '$want_duckdb'
assert m.version('stix2') == '$want_stix2' and m.version('stix2-validator') == '$want_stix2_validator'" 2>/dev/null; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
        apt-get update -qq && apt-get install -y -qq python3-venv
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check "networkx==$want_networkx" "duckdb==$want_duckdb" \
        "stix2==$want_stix2" "stix2-validator==$want_stix2_validator"
fi
echo "export checks: $("$venv/bin/python" -c "import networkx, duckdb; print('networkx', networkx.__version__, '/ duckdb', duckdb.__version__)")"
echo "STIX checks: $("$venv/bin/python" -c "import importlib.metadata as m; print('stix2', m.version('stix2'), '/ stix2-validator', m.version('stix2-validator'))")"
