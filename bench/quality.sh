#!/usr/bin/env bash
# Detection quality beside the toolkit: for each scenario and seed, lockstep analyze vs
# coordination-network-toolkit's networks at a 60 s window and min weight 2 (every account
# in a network counted as flagged), both scored by `lockstep eval` against the ground truth.
# The toolkit's networks are computed with `lockstep network --semantics cnt`, which the
# parity tests prove edge-for-edge identical to coordination-network-toolkit 1.5.2.
#
# usage: bench/quality.sh [SCALE] [SEEDS]     (default: 1 "1 2 3 4 5")
# env:   BENCH_DIR (default bench/out/quality), SCENARIOS (default "mixed h20 organic")
# Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-1}
SEEDS=${2:-"1 2 3 4 5"}
SCENARIOS=${SCENARIOS:-"mixed h20 organic"}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out/quality}
mkdir -p "$BENCH_DIR"
cargo build --release -q -p lockstep-cli
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/lockstep

# Turn network CSVs into an accounts.csv that `eval` reads (every node flagged).
nodes_to_accounts() {
    python3 - "$@" <<'PY'
import csv, sys
out, *nets = sys.argv[1:]
nodes = set()
for n in nets:
    for r in csv.DictReader(open(n)):
        nodes.add(r["source"]); nodes.add(r["target"])
with open(out, "w", newline="") as f:
    w = csv.writer(f); w.writerow(["account_id", "campaign_id", "score"])
    for a in sorted(nodes): w.writerow([a, 1, 1])
PY
}

metric() { # json file, jq-like path a.b -> value
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=d
for k in sys.argv[2].split('.'): v=v[k] if v is not None else None
print('-' if v is None else (f'{v:.3f}' if isinstance(v,float) else v))" "$1" "$2"
}

echo "| scenario | seed | tool | flagged | precision | recall | F1 | fan-group FP rate | organic FP rate |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
for sc in $SCENARIOS; do
    for seed in $SEEDS; do
        d="$BENCH_DIR/$sc-$seed-$SCALE"
        [ -f "$d/data/posts.csv" ] || "$BIN" generate --scenario "$sc" --seed "$seed" --scale "$SCALE" --out "$d/data" 2>/dev/null
        "$BIN" analyze "$d/data/posts.csv" --out "$d/lockstep" 2>/dev/null
        "$BIN" eval --truth "$d/data/truth.csv" "$d/lockstep" --out "$d/lockstep-eval.json" >/dev/null
        "$BIN" network "$d/data/posts.csv" --behaviour co-repost,co-text,co-link,co-reply --window 60 --min-weight 2 \
            --semantics cnt --out "$d/cnt" 2>/dev/null
        mkdir -p "$d/cnt-retweet" "$d/cnt-all"
        nodes_to_accounts "$d/cnt-retweet/accounts.csv" "$d/cnt/co-repost.csv"
        nodes_to_accounts "$d/cnt-all/accounts.csv" "$d/cnt/co-repost.csv" "$d/cnt/co-text.csv" "$d/cnt/co-link.csv" "$d/cnt/co-reply.csv"
        for tool in lockstep cnt-retweet cnt-all; do
            [ "$tool" = lockstep ] || "$BIN" eval --truth "$d/data/truth.csv" "$d/$tool" --out "$d/$tool-eval.json" >/dev/null
            j="$d/$tool-eval.json"
            echo "| $sc | $seed | $tool | $(metric "$j" accounts.predicted) | $(metric "$j" precision) | $(metric "$j" recall) | $(metric "$j" f1) | $(metric "$j" hard_negatives.organic:fan_group.false_positive_rate) | $(metric "$j" hard_negatives.organic.false_positive_rate) |"
        done
    done
done
