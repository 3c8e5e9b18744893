#!/usr/bin/env bash
# Detection on real Weibo data: the CHECKED corpus (cyang03/CHECKED, 2,102 posts of 2020
# with 3.0 M real comments and reposts by 706 k accounts, minute-precision times) alone,
# and with three planted campaigns (bench/plant_checked.py: a boost ring, a copy-paste group
# and a hashtag push, ~95 accounts, camouflaged in real cascades). Both runs are scored with
# `lockstep eval` against the planter's truth (every real account `organic`).
#
# usage: bench/weibo_real.sh [SEEDS]          (default: "1")
# env:   BENCH_DIR        work directory (default bench/out/weibo_real)
#        CHECKED_DATASET  an extracted CHECKED `dataset/` directory; otherwise it is
#                         extracted from CHECKED_GIT (default /work/.mirror/cyang03+CHECKED/repo,
#                         a bare clone of github.com/cyang03/CHECKED) into BENCH_DIR
#        BIN              the lockstep binary (default: build the release binary)
#        ANALYZE_ARGS     extra arguments for `lockstep analyze`
# Prints a Markdown table. The corpus has no licence to redistribute: it stays in BENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-"1"}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out/weibo_real}
CHECKED_GIT=${CHECKED_GIT:-/work/.mirror/cyang03+CHECKED/repo}
mkdir -p "$BENCH_DIR"
if [ -z "${BIN:-}" ]; then
    cargo build --release -q -p lockstep-cli
    BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/lockstep
fi

if [ -z "${CHECKED_DATASET:-}" ]; then
    CHECKED_DATASET=$BENCH_DIR/CHECKED/dataset
    if [ ! -d "$CHECKED_DATASET/real_news" ]; then
        [ -d "$CHECKED_GIT" ] || { echo "no CHECKED: set CHECKED_DATASET or CHECKED_GIT" >&2; exit 2; }
        mkdir -p "$BENCH_DIR/CHECKED"
        # File by file: the snapshot lacks its two files over 4 MB, so `git archive` fails.
        git --git-dir="$CHECKED_GIT" ls-tree -r HEAD dataset | while read -r _ _ sha path; do
            mkdir -p "$BENCH_DIR/CHECKED/$(dirname "$path")"
            git --git-dir="$CHECKED_GIT" cat-file blob "$sha" >"$BENCH_DIR/CHECKED/$path" 2>/dev/null ||
                { echo "CHECKED: $path is missing from the snapshot, skipped" >&2; rm -f "$BENCH_DIR/CHECKED/$path"; }
        done
    fi
fi

# The flattened form: generic JSON lines (comments reply to their post, reposts repost it),
# Beijing time, minute stamps.
analyze() { # input-dir out-dir
    /usr/bin/time -f "%e s, %M KiB" -o "$2.time" \
        "$BIN" analyze "$1/checked_flat.jsonl" --format generic-jsonl \
        --map author=user_id --map time=created_at --map reply_to=reply_to --map repost_of=repost_of \
        --time-zone +08:00 --platform weibo ${ANALYZE_ARGS:-} --out "$2" 2>"$2.log"
}

metric() { # json file, dotted path
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=d
for k in sys.argv[2].split('.'): v=v.get(k) if isinstance(v, dict) else None
print('-' if v is None else (f'{v:.3f}' if isinstance(v,float) else v))" "$1" "$2"
}

campaign_recall() { # eval json, campaign
    python3 -c "import json,sys; d=json.load(open(sys.argv[1]))
c=[x for x in d['campaigns'] if x.get('label')==sys.argv[2] or x.get('campaign')==sys.argv[2]]
print(f\"{c[0]['flagged']}/{c[0]['accounts']}\" if c else '-')" "$1" "$2"
}

real_share() { # eval json: flagged real accounts / real accounts, in percent
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); h=d['hard_negatives']['organic']
print(f\"{h['flagged']} ({100*h['flagged']/h['accounts']:.4f} %)\")" "$1"
}

echo "| run | campaigns | accounts flagged | real accounts flagged | boost_ring | copy_paste | hashtag_push | wall | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
r="$BENCH_DIR/real"
[ -f "$r/checked_flat.jsonl" ] || python3 bench/plant_checked.py "$CHECKED_DATASET" "$r" --no-plants
analyze "$r" "$r/analyze"
"$BIN" eval --truth "$r/truth.csv" "$r/analyze" --out "$r/eval.json" >/dev/null
echo "| real corpus | $(metric "$r/analyze/summary.json" counts.campaigns) | $(metric "$r/eval.json" accounts.predicted) | $(real_share "$r/eval.json") | - | - | - | $(cut -d, -f1 "$r/analyze.time") | $(awk '{printf "%.1f GB", $3/1048576}' "$r/analyze.time") |"
for seed in $SEEDS; do
    p="$BENCH_DIR/planted-$seed"
    [ -f "$p/checked_flat.jsonl" ] || python3 bench/plant_checked.py "$CHECKED_DATASET" "$p" --seed "$seed"
    analyze "$p" "$p/analyze"
    "$BIN" eval --truth "$p/truth.csv" "$p/analyze" --out "$p/eval.json" >/dev/null
    echo "| planted, seed $seed | $(metric "$p/analyze/summary.json" counts.campaigns) | $(metric "$p/eval.json" accounts.predicted) | $(real_share "$p/eval.json") | $(campaign_recall "$p/eval.json" boost_ring) | $(campaign_recall "$p/eval.json" copy_paste) | $(campaign_recall "$p/eval.json" hashtag_push) | $(cut -d, -f1 "$p/analyze.time") | $(awk '{printf "%.1f GB", $3/1048576}' "$p/analyze.time") |"
done
