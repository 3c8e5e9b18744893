#!/usr/bin/env bash
# coordinationz 0.2.2 (PyPI; Indiana/ISI: account-by-item cosine similarity tested against a
# degree-preserving shuffle) beside `lockstep analyze` on the generated scenarios, both
# scored by `lockstep eval` against the ground truth.
#
# usage: bench/coordinationz.sh [SCALE] [SEEDS]     (default: 1 "1 2 3 4 5")
# env:   BENCH_DIR (default bench/out/coordinationz), SCENARIOS (default "mixed h20 organic weibo"),
#        LOCKSTEP_BIN (a built lockstep binary; default: build the release binary)
# Prints a Markdown table.
#
# coordinationz is installed into a throwaway virtualenv under bench/out/. It is run through
# bench/cz_driver.py, which converts the data into the Twitter information-operations layout
# its preprocessIOData reads and follows its documented pipeline with the values of the
# repository's config_template.toml (bench/coordinationz.toml): indicators coretweet,
# cohashtag, courl, coretweetusers. Two rows per run: `cz-template` (the configuration as
# parsed: no p-value filter reaches the networks, see cz_driver.py) and `cz-p01` (the
# template's intended p < 0.01 per indicator).
#
# Two shims make the package importable here, neither used by the indicators above:
# indicator_utilities imports spaCy (not among its declared dependencies) and loads
# spaCy's en_core_web_lg model, which is only downloadable from GitHub; it also loads
# NLTK's stopwords, downloaded from GitHub at import. Both serve only its English `coword`
# indicator. bench/out/cz-shim provides an empty `spacy` module and an empty stopword list.
#
# The weibo scenario is given to `lockstep analyze` as generic JSON lines
# (bench/weibo_flat.py) until the Weibo readers land.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-1}
SEEDS=${2:-"1 2 3 4 5"}
SCENARIOS=${SCENARIOS:-"mixed h20 organic weibo"}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/out/coordinationz}
VENV=$PWD/bench/out/coordinationz-venv
SHIM=$PWD/bench/out/cz-shim
mkdir -p "$BENCH_DIR"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/pip" show coordinationz 2>/dev/null | grep -q '^Version: 0.2.2$'; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q coordinationz==0.2.2
fi
mkdir -p "$SHIM/spacy" "$SHIM/nltk_data/corpora/stopwords"
printf 'def load(*args, **kwargs):\n    return None\n' > "$SHIM/spacy/__init__.py"
: > "$SHIM/nltk_data/corpora/stopwords/english"
export PYTHONPATH=$SHIM NLTK_DATA=$SHIM/nltk_data
if [ -z "${LOCKSTEP_BIN:-}" ]; then
    cargo build --release -q -p lockstep-cli
fi
BIN=${LOCKSTEP_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/release/lockstep}

metric() { # json file, dotted path -> value
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=d
for k in sys.argv[2].split('.'): v=v.get(k) if isinstance(v,dict) else None
print('-' if v is None else (f'{v:.3f}' if isinstance(v,float) else v))" "$1" "$2"
}
fp_rates() { # json file -> "kind rate (flagged/accounts)" for every hard-negative kind
    python3 -c "import json,sys; d=json.load(open(sys.argv[1]))
print(', '.join(f\"{k.removeprefix('organic:')} {v['flagged']}/{v['accounts']}\" for k,v in sorted(d['hard_negatives'].items()) if k!='unknown' and v['accounts']))" "$1"
}

echo "| scenario | seed | tool | flagged | precision | recall | flagged / accounts per hard-negative kind |"
echo "|---|---:|---|---:|---:|---:|---|"
for sc in $SCENARIOS; do
    for seed in $SEEDS; do
        d="$BENCH_DIR/$sc-$seed-$SCALE"
        [ -f "$d/data/truth.csv" ] || "$BIN" generate --scenario "$sc" --seed "$seed" --scale "$SCALE" --out "$d/data" 2>/dev/null
        if [ "$sc" = weibo ]; then
            python3 bench/weibo_flat.py "$d/data" "$d/posts.jsonl" 2>/dev/null
            "$BIN" analyze "$d/posts.jsonl" --format generic-jsonl --map author=user_id \
                --map time=created_at --map reply_to=reply_to --map repost_of=repost_of \
                --time-zone +08:00 --platform weibo --out "$d/lockstep" 2>/dev/null
        else
            "$BIN" analyze "$d/data/posts.csv" --out "$d/lockstep" 2>/dev/null
        fi
        "$BIN" eval --truth "$d/data/truth.csv" "$d/lockstep" --out "$d/lockstep-eval.json" >/dev/null
        "$VENV/bin/python" bench/cz_driver.py convert "$d/data" "$d/cz-work" "$sc" 2>/dev/null
        "$VENV/bin/python" bench/cz_driver.py run bench/coordinationz.toml "$d/cz-work" "$sc" "$d/cz" \
            >"$d/cz.log" 2>&1
        for v in template p01; do
            "$BIN" eval --truth "$d/data/truth.csv" "$d/cz/$v" --out "$d/cz-$v-eval.json" >/dev/null
        done
        for tool in lockstep cz-template cz-p01; do
            j="$d/$tool-eval.json"
            echo "| $sc | $seed | $tool | $(metric "$j" accounts.predicted) | $(metric "$j" precision) | $(metric "$j" recall) | $(fp_rates "$j") |"
        done
    done
done
