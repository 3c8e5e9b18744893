#!/usr/bin/env bash
# Detection on real Weibo data: the CHECKED corpus (cyang03/CHECKED, 2,102 posts of 2020
# with 3.0 M real comments and reposts by 706 k accounts, minute-precision times) alone,
# and with three planted campaigns (bench/plant_checked.py: a boost ring, a copy-paste group
# and a hashtag push, ~95 accounts, camouflaged in real cascades). Every run is scored with
# `lockstep eval` against the planter's truth (every real account `organic`).
#
# usage: bench/weibo_real.sh [SEEDS]          (default: "1"; "" for the real corpus alone)
# env:   BENCH_DIR        work directory for the analyses (default bench/out/weibo_real)
#        PLANT_DIR        where the plantings are (default BENCH_DIR): PLANT_DIR/P<seed> for
#                         a seed, PLANT_DIR/real for the real corpus's truth; an existing
#                         planting (with its truth.csv) is reused, a missing one is planted
#        CHECKED_DATASET  an extracted CHECKED `dataset/` directory; otherwise it is
#                         extracted from CHECKED_GIT (default /work/.mirror/cyang03+CHECKED/repo,
#                         a bare clone of github.com/cyang03/CHECKED) into BENCH_DIR
#        READING          `nested` (default): `lockstep analyze DIR/dataset`, CHECKED's own
#                         layout through the weibo-nested reader, as a user would run it;
#                         `flat`: the flattened DIR/checked_flat.jsonl through generic-jsonl
#        OPTIONS          `lockstep analyze` option sets to run, `;`-separated, `-` for the
#                         defaults (default "-;--no-rounds")
#        BIN              the lockstep binary (default: build the release binary)
#        ANALYZE_ARGS     extra arguments for every `lockstep analyze`
#        REAL             `0` skips the real corpus alone (default 1)
# Prints a Markdown table; each run's outputs stay in BENCH_DIR/<run>-<reading>-<options>/.
# CPU is user+system seconds (the machine may be shared: wall time says little).
# The corpus has no licence to redistribute: it stays outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1-1}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out/weibo_real}
PLANT_DIR=${PLANT_DIR:-$BENCH_DIR}
READING=${READING:-nested}
OPTIONS=${OPTIONS:-"-;--no-rounds"}
CHECKED_GIT=${CHECKED_GIT:-/work/.mirror/cyang03+CHECKED/repo}
mkdir -p "$BENCH_DIR" "$PLANT_DIR"
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

analyze() { # input (a dataset/ directory or a flattened file), out-dir, options
    local opts=()
    [ "$3" = "-" ] || read -r -a opts <<<"$3"
    local input=("$1")
    # The flattened form: generic JSON lines (comments reply to their post, reposts repost
    # it), Beijing time, minute stamps.
    [ "$READING" = flat ] && input=("$1" --format generic-jsonl --map author=user_id
        --map time=created_at --map reply_to=reply_to --map repost_of=repost_of
        --time-zone +08:00 --platform weibo)
    rm -rf "$2"
    # shellcheck disable=SC2086
    /usr/bin/time -f "%U %S %M" -o "$2.time" \
        "$BIN" analyze "${input[@]}" "${opts[@]}" ${ANALYZE_ARGS:-} --out "$2" 2>"$2.log"
}

optlabel() { # option set -> its name in the table
    if [ "$1" = - ]; then echo defaults; else echo "$1"; fi
}

input_of() { # planting dir
    if [ "$READING" = flat ]; then echo "$1/checked_flat.jsonl"; else echo "$1/dataset"; fi
}

# One row: campaigns, boost_ring, copy_paste, hashtag_push found, recall, real accounts
# flagged, top object share of the campaigns (max), CPU, peak RSS.
row() { # label, analyze dir, eval json
    python3 - "$@" <<'EOF'
import json, sys
label, out, ev = sys.argv[1:4]
s = json.load(open(f"{out}/summary.json"))
c = json.load(open(f"{out}/campaigns.json"))["campaigns"]
e = json.load(open(ev))
u, sy, kb = open(f"{out}.time").read().split()[-3:]
camp = {x.get("label") or x.get("campaign"): x for x in e.get("campaigns", [])}
def found(k):
    x = camp.get(k)
    return f"{x['flagged']}/{x['accounts']}" if x else "-"
planted = sum(x["accounts"] for k, x in camp.items() if k != "organic")
hit = sum(x["flagged"] for k, x in camp.items() if k != "organic")
h = e["hard_negatives"]["organic"]
# Real accounts as read (the truth also lists a few ids that carry no act once read).
real = s["counts"]["accounts"] - planted
shares = [x.get("basis", {}).get("top_object_share") for x in c]
shares = [v for v in shares if v is not None]
top = f"{max(shares):.2f}" if shares else "-"
recall = f"{hit / planted:.3f}" if planted else "-"
print(f"| {label} | {s['counts']['campaigns']} | {found('boost_ring')} | {found('copy_paste')} | "
      f"{found('hashtag_push')} | {recall} | {h['flagged']} ({100 * h['flagged'] / real:.4f} %) | "
      f"{top} | {float(u) + float(sy):.0f} s | {int(kb) / 1048576:.1f} GB |")
EOF
}

echo "| run | campaigns | boost_ring | copy_paste | hashtag_push | recall | real accounts flagged | top object share (max) | CPU | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
IFS=';' read -r -a option_sets <<<"$OPTIONS"
r="$PLANT_DIR/real"
if [ "${REAL:-1}" != 0 ] && [ ! -f "$r/truth.csv" ]; then
    python3 bench/plant_checked.py "$CHECKED_DATASET" "$r" --no-plants
fi
[ "${REAL:-1}" = 0 ] || for o in "${option_sets[@]}"; do
    tag=$(echo "$o" | tr -d ' -' | sed 's/^$/defaults/')
    a="$BENCH_DIR/real-$READING-$tag"
    # The real corpus alone: its own directory for the nested reading.
    if [ "$READING" = flat ]; then analyze "$r/checked_flat.jsonl" "$a" "$o"; else analyze "$CHECKED_DATASET" "$a" "$o"; fi
    "$BIN" eval --truth "$r/truth.csv" "$a" --out "$a.eval.json" >/dev/null
    row "real corpus, $READING, $(optlabel "$o")" "$a" "$a.eval.json"
done
for seed in $SEEDS; do
    p="$PLANT_DIR/P$seed"
    [ -f "$p/truth.csv" ] || python3 bench/plant_checked.py "$CHECKED_DATASET" "$p" --seed "$seed"
    for o in "${option_sets[@]}"; do
        tag=$(echo "$o" | tr -d ' -' | sed 's/^$/defaults/')
        a="$BENCH_DIR/P$seed-$READING-$tag"
        analyze "$(input_of "$p")" "$a" "$o"
        "$BIN" eval --truth "$p/truth.csv" "$a" --out "$a.eval.json" >/dev/null
        row "planted, seed $seed, $READING, $(optlabel "$o")" "$a" "$a.eval.json"
    done
done
