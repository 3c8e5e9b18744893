#!/usr/bin/env bash
# Engine-core benchmark: coordination-network-toolkit 1.5.2 (preprocess + its five networks,
# --n_cpus 2) beside lockstep (`lockstep network --semantics cnt`, the same five networks
# in one run), on the same generated CSV, at several sizes; then lockstep alone at 10M posts
# and on one object with 200,000 events within an hour.
#
# usage: bench/core.sh [SIZES...]     (default: 50000 250000 1000000)
# env:   PEER_PYTHON (default .venv-peer/bin/python), BENCH_DIR (default bench/out),
#        SKIP_10M=1 to skip the 10M run, WINDOW (default 60)
# Prints a Markdown table; raw logs stay in $BENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
PEER_PYTHON=${PEER_PYTHON:-$PWD/.venv-peer/bin/python}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out}
WINDOW=${WINDOW:-60}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(50000 250000 1000000)
mkdir -p "$BENCH_DIR"
cargo build --release -q -p lockstep-cli
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/lockstep

# Run a command under /usr/bin/time; print "seconds peak_kib".
measure() {
    local log=$1; shift
    /usr/bin/time -f "%e %M" -o "$log.time" "$@" >"$log.out" 2>"$log.err"
    cat "$log.time"
}

data_for() { # posts -> dir with posts.csv
    local n=$1 dir="$BENCH_DIR/data-$1"
    if [ ! -f "$dir/posts.csv" ]; then
        local scale
        scale=$(python3 -c "print($n / 100000)")
        "$BIN" generate --scenario basic --seed 1 --scale "$scale" --out "$dir" 2>/dev/null
    fi
    echo "$dir"
}

NETS="co-repost,co-text,co-link,co-reply,co-post"
echo "| posts | toolkit s | toolkit peak MiB | lockstep s | lockstep peak MiB | speed-up | memory ratio |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${SIZES[@]}"; do
    dir=$(data_for "$n")
    read -r cs cm < <(measure "$BENCH_DIR/cnt-$n" "$PEER_PYTHON" tests/peer/cnt_networks.py --out "$BENCH_DIR/cnt-$n" \
        --networks co_retweet,co_tweet,co_link,co_reply,co_post --windows "$WINDOW" --min-weights 1 --n-cpus 2 "$dir/posts.csv")
    read -r ls lm < <(measure "$BENCH_DIR/lockstep-$n" "$BIN" network "$dir/posts.csv" --behaviour "$NETS" \
        --window "$WINDOW" --semantics cnt --out "$BENCH_DIR/lockstep-$n")
    # Same edges, or the benchmark is meaningless.
    for pair in co_retweet:co-repost co_tweet:co-text co_link:co-link co_reply:co-reply co_post:co-post; do
        c=${pair%%:*}; b=${pair##*:}
        if ! cmp -s <(tail -n +2 "$BENCH_DIR/cnt-$n/${c}_w${WINDOW}_m1.csv" | tr -d '\r' | sort) \
                    <(tail -n +2 "$BENCH_DIR/lockstep-$n/$b.csv" | cut -d, -f1-3 | sort); then
            echo "EDGE MISMATCH for $c at $n posts" >&2
            exit 1
        fi
    done
    python3 -c "print(f'| {$n:,} | {$cs:.1f} | {$cm/1024:.0f} | {$ls:.2f} | {$lm/1024:.0f} | {$cs/$ls:.0f}x | {$cm/$lm:.2f} |')"
done

if [ "${SKIP_10M:-0}" != 1 ]; then
    # At 10M posts co_post with min weight 1 is hundreds of millions of chance edges (tens
    # of GB of CSV); min weight 2 is the toolkit's own command-line default.
    dir=$(data_for 10000000)
    read -r ls lm < <(measure "$BENCH_DIR/lockstep-10M" "$BIN" network "$dir/posts.csv" --behaviour "$NETS" \
        --window "$WINDOW" --min-weight 2 --semantics cnt --out "$BENCH_DIR/lockstep-10M")
    python3 -c "print(f'\nlockstep alone, 10,000,000 posts, five networks, window $WINDOW s, min weight 2: {$ls:.1f} s, peak {$lm/1024/1024:.2f} GiB')"
    rm -rf "$BENCH_DIR/lockstep-10M"
fi

# One object with 200,000 events inside an hour (the hotspot scenario), co-repost.
hot="$BENCH_DIR/data-hotspot"
[ -f "$hot/posts.csv" ] || "$BIN" generate --scenario hotspot --seed 1 --scale 0.2 --out "$hot" 2>/dev/null
for m in 1 2; do
    # With min weight 1 the result is hundreds of millions of edges: it streams to
    # /dev/null here, to show time and memory without filling the disk.
    out="$BENCH_DIR/lockstep-hotspot-$m.csv"
    [ "$m" = 1 ] && out=/dev/null
    read -r hs hm < <(measure "$BENCH_DIR/lockstep-hotspot-$m" "$BIN" network "$hot/posts.csv" --behaviour co-repost \
        --window "$WINDOW" --semantics cnt --min-weight "$m" --out "$out")
    edges=$(grep -o '[0-9]* edges' "$BENCH_DIR/lockstep-hotspot-$m.err" | head -1)
    python3 -c "print(f'hotspot (200,000 retweets of one tweet in one hour), co-repost, min weight $m: {$hs:.1f} s, peak {$hm/1024:.0f} MiB, $edges')"
done
