#!/usr/bin/env bash
# Report benchmark: a synthetic analyze directory with 50,000 accounts and 200,000 edges
# (crates/lockstep-report/examples/synth_analyze_dir.rs: campaigns of heavy-tailed sizes,
# evidence and posts with texts; no detection runs), rendered with `lockstep report`, then
# opened in headless Chromium (Debian's, driven by playwright-core) until the network has
# drawn. Bars: open + draw within 10 s, report.html under 50 MB.
#
# usage: bench/report.sh [ACCOUNTS] [EDGES] [CAMPAIGNS]   (default 50000 200000 400)
# env:   BENCH_DIR (default bench/out), RUNS (default 3)
# Needs scripts/setup-report-tests.sh to have run (Chromium, tests/browser/node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=${1:-50000}
EDGES=${2:-200000}
CAMPAIGNS=${3:-400}
RUNS=${RUNS:-3}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
dir="$BENCH_DIR/report-$ACCOUNTS-$EDGES"
mkdir -p "$BENCH_DIR"

cargo build --release -q -p lockstep-cli
cargo build --release -q -p lockstep-report --example synth_analyze_dir
rm -rf "$dir"
"$TARGET/release/examples/synth_analyze_dir" "$dir" "$ACCOUNTS" "$EDGES" "$CAMPAIGNS"

/usr/bin/time -f "%e %M" -o "$dir.render.time" "$TARGET/release/lockstep" report "$dir" >/dev/null
read -r render_s render_kib <"$dir.render.time"
bytes=$(stat -c %s "$dir/report.html")

(cd tests/browser && node bench-open.mjs "$dir/report.html" "$RUNS") | tee "$dir.open.jsonl"

python3 - "$dir.open.jsonl" "$bytes" "$render_s" "$render_kib" "$ACCOUNTS" "$EDGES" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bytes_, render_s, render_kib, accounts, edges = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
draw = [r["open_and_draw_s"] for r in runs]
print()
print("| accounts | edges | nodes drawn | edges drawn | report.html MB | render s | render peak MiB | open+draw s (median of %d) | open+draw s (max) |" % len(runs))
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
print(f"| {accounts} | {edges} | {runs[0]['nodes']} | {runs[0]['edges']} | {bytes_ / 1e6:.1f} | {render_s:.2f} | {render_kib // 1024} | {statistics.median(draw):.2f} | {max(draw):.2f} |")
ok = max(draw) < 10 and bytes_ < 50e6
print("bars (open+draw < 10 s, HTML < 50 MB):", "met" if ok else "NOT met")
sys.exit(0 if ok else 1)
PY
