#!/usr/bin/env bash
# Narratives benchmark: the narratives stage of `lockstep analyze` (message templates,
# partial copies, terms with jieba and new-word discovery, narratives, series and bursts,
# watch terms, echo of references, seed accounts, and their output files) on a generated
# `basic` dataset, by default 10M posts (scale 100). The stage's own timings come from
# summary.json (`timings_s.narratives` and `narratives.timings_s`), next to the whole
# analyze's wall time and peak memory (/usr/bin/time). Watch terms, three references (taken
# from the data: a link and a text that are shared often) and three seed accounts are given
# so that every part of the stage runs.
#
# usage: bench/narratives.sh [POSTS]      (default 10000000)
# env:   BENCH_DIR (default bench/out; data is cached there as data-<posts>/posts.csv,
#        shared with bench/core.sh and bench/similar.sh)
# Prints a Markdown table; raw logs stay in $BENCH_DIR/narratives.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out}
N=${1:-10000000}
OUT="$BENCH_DIR/narratives"
mkdir -p "$OUT"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }
cargo build --release -q -p lockstep-cli
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/lockstep

DATA="$BENCH_DIR/data-$N"
if [ ! -f "$DATA/posts.csv" ]; then
    scale=$(python3 -c "print($N / 100000)")
    "$BIN" generate --scenario basic --seed 1 --scale "$scale" --out "$DATA" 2>/dev/null
fi

# References and seeds from the data itself: the most shared URL, two often-copied texts,
# and the three most active accounts.
python3 - "$DATA/posts.csv" "$OUT" <<'EOF'
import csv, collections, json, sys
path, out = sys.argv[1], sys.argv[2]
urls, texts, users = collections.Counter(), collections.Counter(), collections.Counter()
with open(path, newline='') as f:
    r = csv.reader(f)
    next(r)
    for i, row in enumerate(r):
        if i >= 300000:
            break
        users[row[1]] += 1
        if row[3]:
            continue
        for u in row[7].split():
            urls[u] += 1
        if len(row[5]) > 40:
            texts[row[5]] += 1
with open(f'{out}/references.jsonl', 'w') as f:
    u = urls.most_common(1)[0][0]
    f.write(json.dumps({"url": u, "title": "most shared link", "text": "", "source": "bench",
                        "published_at": "2025-08-01T00:00:00Z"}, ensure_ascii=False) + "\n")
    for t, _ in texts.most_common(2):
        f.write(json.dumps({"url": "", "title": "", "text": t, "source": "bench",
                            "published_at": "2025-08-01T00:00:00Z"}, ensure_ascii=False) + "\n")
with open(f'{out}/seeds.csv', 'w') as f:
    f.write("account_id,handle,label\n")
    for a, _ in users.most_common(3):
        f.write(f"{a},,bench\n")
EOF

/usr/bin/time -f "%e %M" -o "$OUT/analyze.time" "$BIN" analyze "$DATA/posts.csv" --out "$OUT/out" \
    --watch "后门,backdoor,election,天气" --reference "$OUT/references.jsonl" \
    --seed-accounts "$OUT/seeds.csv" 2>"$OUT/analyze.err"
read -r wall peak <"$OUT/analyze.time"
python3 - "$OUT/out/summary.json" "$wall" "$peak" "$N" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
wall, peak, n = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t = s["timings_s"]
nt = s["narratives"]["timings_s"]
inner = nt["narratives"]
c = s["narratives"]["counts"]
print(f"| posts | analyze s | analyze peak GiB | narratives stage s | share of analyze |")
print(f"|---:|---:|---:|---:|---:|")
print(f"| {n:,} | {wall:.1f} | {peak/1024/1024:.2f} | {t['narratives']:.1f} | {t['narratives']/wall:.0%} |")
print()
print("| narratives part | s |")
print("|---|---:|")
print(f"| templates (lockstep-similar, similarity 0.8) | {nt['templates']:.1f} |")
for k in ["refine_s", "terms_s", "grouping_s", "summaries_s", "watch_s", "references_s", "seeds_s"]:
    print(f"| {k[:-2]} | {inner[k]:.1f} |")
print(f"| write files | {nt['write']:.1f} |")
print()
print(f"templates {c['templates']:,} ({c['near_duplicate_templates']:,} near-duplicate groups, "
      f"{c['partial_copies']:,} partial copies split off), {c['template_posts']:,} posts in templates, "
      f"{c['narratives']:,} narratives, {c['narrative_posts']:,} posts in narratives, "
      f"{c['distinct_terms']:,} terms, {len(c['new_words'])} new words; "
      f"{s['narratives']['echo_posts']:,} echo posts, {s['narratives']['amplifications']:,} amplifications")
print("other stages:", ", ".join(f"{k} {v:.1f} s" for k, v in t.items() if k != "narratives"))
EOF
