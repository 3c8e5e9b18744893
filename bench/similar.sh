#!/usr/bin/env bash
# Near-duplicate benchmark (co-similar).
#
# 1. coordination-network-toolkit 1.5.2's co_similar_tweet (through tests/peer/cnt_networks.py,
#    --n-cpus 2, similarity 0.8 = its command line's default, MinDocSizeSimilarity(1)) beside
#    `lockstep network --behaviour co-similar --semantics cnt` on the same generated CSV and
#    window, checking that the edges are identical; the toolkit's own timings.json splits
#    its time into preprocessing and co_similar_tweet.
# 2. lockstep's native co-similar (normalisation, shingles, MinHash/LSH, templates) on the
#    same file.
# 3. lockstep alone, native co-similar, on 10M posts (generated once into the cache).
#
# usage: bench/similar.sh [SIZES...]   (default: 50000)
# env:   PEER_PYTHON (default .venv-peer/bin/python), BENCH_DIR (default bench/out; data is
#        cached there as data-<posts>/posts.csv, shared with bench/core.sh), WINDOW (60),
#        SIMILARITY (0.8), SKIP_10M=1 to skip the 10M run.
# Prints Markdown tables; raw logs stay in $BENCH_DIR/similar.
set -euo pipefail
cd "$(dirname "$0")/.."
PEER_PYTHON=${PEER_PYTHON:-$PWD/.venv-peer/bin/python}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out}
WINDOW=${WINDOW:-60}
SIM=${SIMILARITY:-0.8}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(50000)
OUT="$BENCH_DIR/similar"
mkdir -p "$OUT"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }
cargo build --release -q -p lockstep-cli
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/lockstep

# Run a command under /usr/bin/time; print "seconds peak_kib".
measure() {
    local log=$1; shift
    /usr/bin/time -f "%e %M" -o "$log.time" "$@" >"$log.out" 2>"$log.err"
    cat "$log.time"
}

# The best of three runs (this machine is shared and noisy): "seconds peak_kib".
best_of_3() {
    local log=$1; shift
    for i in 1 2 3; do measure "$log-$i" "$@"; done | sort -n | head -1
}

# Seconds lockstep reports for the network itself (after loading), from its log.
stage_s() {
    sed -n 's/.* edges in .*(\([0-9.]*\) s)$/\1/p' "$1" | tail -1
}

data_for() { # posts -> dir with posts.csv (the JSON-lines copy is not kept)
    local n=$1 dir="$BENCH_DIR/data-$1"
    if [ ! -f "$dir/posts.csv" ]; then
        local scale
        scale=$(python3 -c "print($n / 100000)")
        "$BIN" generate --scenario basic --seed 1 --scale "$scale" --out "$dir" >/dev/null 2>&1
        rm -f "$dir/posts.jsonl"
    fi
    echo "$dir"
}

echo "co_similar_tweet, window $WINDOW s, similarity $SIM (wall seconds, peak RSS)"
echo
echo "process = the whole process's wall time (lockstep: reading the CSV included); every figure is"
echo "the best of three runs (this machine is shared and noisy);"
echo "toolkit in-process = its preprocess + co_similar_tweet (timings.json); lockstep stage = what"
echo "lockstep reports for the network after loading (2 decimals)."
echo
echo "| posts | toolkit process s | toolkit in-process s | toolkit co_similar_tweet s | toolkit peak MiB | lockstep cnt process s | lockstep cnt stage s | lockstep peak MiB | speed-up process/process | speed-up in-process/process | speed-up co_similar_tweet/stage | edges (identical) | lockstep native process s | native peak MiB | native edges |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${SIZES[@]}"; do
    dir=$(data_for "$n")
    # The toolkit, best of three too (each run in its own directory).
    for i in 1 2 3; do
        measure "$OUT/cnt-$n-$i" "$PEER_PYTHON" tests/peer/cnt_networks.py --out "$OUT/cnt-$n-$i" \
            --networks co_similar_tweet --windows "$WINDOW" --min-weights 1 --similarity "$SIM" --n-cpus 2 "$dir/posts.csv" >/dev/null
    done
    read -r cs cm < <(cat "$OUT/cnt-$n"-[123].time | sort -n | head -1)
    read -r total compute < <(python3 -c "
import json
ts = [json.load(open(f'$OUT/cnt-$n-{i}/timings.json')) for i in (1, 2, 3)]
key = 'co_similar_tweet_w${WINDOW}_m1_s$SIM'
print(min(t['preprocess'] + t[key] for t in ts), min(t[key] for t in ts))")
    read -r ls lm < <(best_of_3 "$OUT/lockstep-cnt-$n" "$BIN" network "$dir/posts.csv" --behaviour co-similar \
        --window "$WINDOW" --similarity "$SIM" --semantics cnt --out "$OUT/lockstep-cnt-$n.csv")
    stage=$(for i in 1 2 3; do stage_s "$OUT/lockstep-cnt-$n-$i.err"; done | sort -n | head -1)
    if ! cmp -s <(tail -n +2 "$OUT/cnt-$n-1/co_similar_tweet_w${WINDOW}_m1_s$SIM.csv" | tr -d '\r' | sort) \
                <(tail -n +2 "$OUT/lockstep-cnt-$n.csv" | cut -d, -f1-3 | sort); then
        echo "EDGE MISMATCH for co_similar_tweet at $n posts" >&2
        exit 1
    fi
    edges=$(($(wc -l <"$OUT/lockstep-cnt-$n.csv") - 1))
    read -r ns nm < <(best_of_3 "$OUT/lockstep-native-$n" "$BIN" network "$dir/posts.csv" --behaviour co-similar \
        --window "$WINDOW" --similarity "$SIM" --out "$OUT/lockstep-native-$n.csv")
    nedges=$(($(wc -l <"$OUT/lockstep-native-$n.csv") - 1))
    python3 -c "print(f'| {$n:,} | {$cs:.2f} | {$total:.2f} | {$compute:.2f} | {$cm/1024:.0f} | {$ls:.3f} | {$stage:.2f} | {$lm/1024:.0f} | {$cs/$ls:.0f}x | {$total/$ls:.0f}x | {$compute/max($stage, 0.005):.0f}x | {$edges:,} | {$ns:.3f} | {$nm/1024:.0f} | {$nedges:,} |')"
done

if [ "${SKIP_10M:-0}" != 1 ]; then
    dir=$(data_for 10000000)
    read -r ls lm < <(measure "$OUT/lockstep-native-10M" "$BIN" network "$dir/posts.csv" --behaviour co-similar \
        --window "$WINDOW" --similarity "$SIM" --out "$OUT/lockstep-native-10M.csv")
    nedges=$(($(wc -l <"$OUT/lockstep-native-10M.csv") - 1))
    echo
    python3 -c "print(f'lockstep alone, 10,000,000 posts, native co-similar, window $WINDOW s, similarity $SIM: {$ls:.1f} s, peak {$lm/1024/1024:.2f} GiB, {$nedges:,} edges')"
    grep -h "co-similar" "$OUT/lockstep-native-10M.err" | sed 's/^/    /'
fi
