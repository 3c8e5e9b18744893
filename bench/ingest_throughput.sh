#!/usr/bin/env bash
# Ingest throughput per format family, one thread, release build: MB/s and posts/s.
# Input comes from `lockstep generate` (posts.csv in cnt-csv, posts.jsonl in twitter-v1);
# the same CSV is also read as generic-csv with a mapping, and the JSON is converted to
# Twitter API v2 pages.
#
# usage: bench/ingest_throughput.sh [SCALE]        (default 4: about 1.3M posts)
# env:   BENCH_DIR (default bench/out)
# Prints a Markdown table. Bars: CSV >= 100 MB/s per core, JSON >= 50 MB/s per core.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-4}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
mkdir -p "$BENCH_DIR"
BIN=$TARGET/release/lockstep
# The generator comes from the CLI; an existing binary will do if the build fails.
cargo build --release -q -p lockstep-cli || [ -x "$BIN" ]
cargo build --release -q -p lockstep-ingest --example ingest_bench
B=$TARGET/release/examples/ingest_bench
DATA=$BENCH_DIR/ingest-$SCALE
if [ ! -f "$DATA/posts.jsonl" ]; then
    "$BIN" generate --scale "$SCALE" --out "$DATA" >/dev/null
fi
[ -f "$DATA/pages.v2.jsonl" ] || "$B" --convert-v2 "$DATA/posts.jsonl" "$DATA/pages.v2.jsonl"

echo "| format | file MB | posts | seconds | MB/s | posts/s |"
echo "|---|---|---|---|---|---|"
run() {
    local best=""
    for _ in 1 2 3; do
        local out
        out=$("$B" "$@")
        local s
        s=$(echo "$out" | awk '{print $4}')
        if [ -z "$best" ] || awk "BEGIN{exit !($s < $(echo "$best" | awk '{print $4}'))}"; then best=$out; fi
    done
    echo "$best" | awk '{printf "| %s | %.0f | %d | %.2f | %.0f | %.0f |\n", $1, $2/1e6, $3, $4, $5, $6}'
}
run cnt-csv "$DATA/posts.csv"
run generic-csv "$DATA/posts.csv" --map id=message_id --map author=user_id --map time=timestamp --map text=message --map repost_of=repost_id --map reply_to=reply_id
run twitter-v1 "$DATA/posts.jsonl"
run twitter-v2 "$DATA/pages.v2.jsonl"
