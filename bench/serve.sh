#!/usr/bin/env bash
# `lockstep serve` benchmark: sustained ingest over HTTP with alert latency, ingest at full
# speed, and a 10x burst (memory must stay bounded; work beyond the limits is refused with
# 429/503). Each run starts a fresh release server on a fresh database with a default-like
# config (defaults, refresh every $REFRESH) and replays a generated dataset with planted
# campaigns in time order through crates/lockstep-serve/examples/loadgen.rs.
#
# Alert latency: the mark is the last post of the third coordinated round of the first
# planted campaign of kind $MARK_KIND (its posts from truth_posts.csv, rounds separated by
# gaps of more than 10 minutes; the default, a repost ring, is the classic lockstep case:
# slow rings, spread over minutes and diluted, are meant to be hard and may never alert). Latency = wall time from the acknowledgement of the batch holding
# the mark until GET /api/v1/alerts lists a new_campaign alert ("first alert"), and one
# naming at least half of that campaign's accounts ("campaign alert"); polled every 250 ms.
# Negative: the alert came before the mark was acknowledged (rounds 1-2 sufficed).
# "no answer": requests that got no HTTP answer (loadgen retries them after 1 s); ureq
# reports "Broken pipe" when the server refuses a large body (429/503) before reading it.
#
# usage: bench/serve.sh
# env:   SCENARIO (mixed), SCALE (5: about 500,000 posts), SEED (1), RATE (5000 posts/s),
#        BURST_RATE (50000 posts/s offered), REFRESH (10s), BENCH_DIR (bench/out),
#        MARK_KIND (repost_ring; any campaign-name prefix in truth_posts.csv),
#        ALERT_TIMEOUT (120 s to wait for the alert after the load), JOBS (cargo -j, 1)
# Prints a Markdown table; raw JSON, server logs and stats stay in $BENCH_DIR/serve.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO=${SCENARIO:-mixed}
SCALE=${SCALE:-5}
SEED=${SEED:-1}
RATE=${RATE:-5000}
BURST_RATE=${BURST_RATE:-50000}
REFRESH=${REFRESH:-10s}
JOBS=${JOBS:-1}
MARK_KIND=${MARK_KIND:-repost_ring}
ALERT_TIMEOUT=${ALERT_TIMEOUT:-120}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
OUT=$BENCH_DIR/serve
mkdir -p "$OUT"
cargo build --release -q -j "$JOBS" -p lockstep-cli
cargo build --release -q -j "$JOBS" -p lockstep-serve --example loadgen
BIN=$TARGET/release/lockstep
LOADGEN=$TARGET/release/examples/loadgen

DATA=$BENCH_DIR/serve-$SCENARIO-$SCALE-$SEED
if [ ! -f "$DATA/truth_posts.csv" ]; then
    "$BIN" generate --scenario "$SCENARIO" --seed "$SEED" --scale "$SCALE" --out "$DATA" >/dev/null
fi

# The mark post and the campaign's accounts.
read -r MARK CAMPAIGN ROUNDS < <(python3 - "$DATA" "$OUT/mark_accounts.txt" "$MARK_KIND" <<'EOF'
import collections, csv, sys
d, accounts_out, kind = sys.argv[1], sys.argv[2], sys.argv[3]
times = {r["message_id"]: int(r["timestamp"]) for r in csv.DictReader(open(f"{d}/posts.csv", newline=""))}
posts = collections.defaultdict(list)
for r in csv.DictReader(open(f"{d}/truth_posts.csv", newline="")):
    if r["campaign"].startswith(kind) and r["post_id"] in times:
        posts[r["campaign"]].append((times[r["post_id"]], r["post_id"]))
for name, ps in sorted(posts.items(), key=lambda kv: min(kv[1])):
    ps.sort()
    rounds = [[ps[0]]]
    for p in ps[1:]:
        if p[0] - rounds[-1][-1][0] > 600:
            rounds.append([p])
        else:
            rounds[-1].append(p)
    if len(rounds) >= 3:
        members = [r["account_id"] for r in csv.DictReader(open(f"{d}/truth.csv", newline="")) if r["label"] == name]
        open(accounts_out, "w").write("\n".join(members) + "\n")
        print(rounds[2][-1][1], name, len(rounds))
        break
else:
    sys.exit(f"no planted {kind} campaign with three rounds")
EOF
)
POSTS=$(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=''))) - 1)" "$DATA/posts.csv")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop_server EXIT

start_server() { # name
    local name=$1
    local db=$OUT/$name.db
    rm -rf "$db" "$db"-* "$db.live"
    PORT=$(free_port)
    URL=http://127.0.0.1:$PORT
    printf '[detection]\nrefresh = "%s"\n' "$REFRESH" >"$OUT/serve.toml"
    "$BIN" serve --db "$db" --bind "127.0.0.1:$PORT" --config "$OUT/serve.toml" 2>"$OUT/$name.log" &
    SERVER_PID=$!
    for _ in $(seq 600); do
        curl -fs "$URL/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "server did not start: $(cat "$OUT/$name.log")" >&2
    exit 1
}

hwm_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_PID/status"; }

ROWS=()
run() { # name loadgen-args...
    local name=$1; shift
    start_server "$name"
    "$LOADGEN" --url "$URL" --input "$DATA/posts.csv" --alert-timeout "$ALERT_TIMEOUT" "$@" >"$OUT/$name.json"
    # Let the detector take in the last posts, then read the server's state.
    sleep 2
    curl -fs "$URL/api/v1/stats" >"$OUT/$name.stats.json"
    local hwm
    hwm=$(hwm_mib)
    curl -fs "$URL/healthz" >/dev/null || { echo "$name: server unhealthy after the run" >&2; exit 1; }
    stop_server
    ROWS+=("$(python3 - "$name" "$OUT/$name.json" "$OUT/$name.stats.json" "$hwm" <<'EOF'
import json, sys
name, j, s, hwm = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4]
m = j.get("mark") or {}
f = lambda x, d=1: "-" if x is None else f"{x:,.{d}f}"
offered = "max" if j["rate_target"] == 0 else f"{j['rate_target']:,.0f}"
if s["posts"] != j["new"]:
    print(f"{name}: the server stored {s['posts']} posts, the acknowledged answers counted {j['new']} new", file=sys.stderr)
ref = s.get("refresh") or {}
print(f"| {name} | {offered} | {j['batch']} x {j['connections']} | {j['posts_acked']:,} / {j['posts_offered']:,} "
      f"| {f(j['posts_per_s'], 0)} | {f(j['ack_latency_ms']['p50'], 0)} / {f(j['ack_latency_ms']['p99'], 0)} "
      f"| {j['refused_429']} / {j['refused_503']} / {j['errors']} | {f(m.get('alert_latency_s'))} / {f(m.get('campaign_alert_latency_s'))} "
      f"| {f(ref.get('seconds'))} | {hwm} |")
EOF
)")
}

run sustained --rate "$RATE" --batch 1000 --connections 4 \
    --mark-post "$MARK" --mark-accounts "$OUT/mark_accounts.txt"
run max-speed --rate 0 --batch 2000 --connections 4 \
    --mark-post "$MARK" --mark-accounts "$OUT/mark_accounts.txt"
# 10x the sustained rate, offered by 64 connections of 1,000-post requests (50 requests/s
# from one address: the default rate limit, so refusals come from the ingest slots and the
# pending-posts budget, if any); refused requests are retried after Retry-After.
run burst-10x --rate "$BURST_RATE" --batch 1000 --connections 64 \
    --mark-post "$MARK" --mark-accounts "$OUT/mark_accounts.txt"
# The same posts in requests of 100: 500 requests/s from one address, ten times the default
# per-client rate (50/s); refused requests are dropped, not retried.
run burst-10x-requests --rate "$BURST_RATE" --batch 100 --connections 64 --retry no

echo "lockstep serve, $SCENARIO scale $SCALE (seed $SEED): $POSTS posts; mark = last post of round 3 of $CAMPAIGN ($ROUNDS rounds); refresh $REFRESH; $(nproc) cores"
echo
echo "| run | offered posts/s | batch x connections | acked / sent | acked posts/s | ack p50 / p99 ms | 429 / 503 / no answer | alert latency s (first / campaign) | last refresh s | server peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
