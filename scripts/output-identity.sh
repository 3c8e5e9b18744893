#!/usr/bin/env bash
# Byte-identity of lockstep's outputs across two builds: runs a binary over fixed generated
# scenarios and records the sha256 of every file it writes, so a refactoring can show that
# nothing changed (and a change can show exactly which files moved).
#
# usage: scripts/output-identity.sh BIN MANIFEST          record BIN's hashes in MANIFEST
#        scripts/output-identity.sh --compare BIN_A BIN_B  record both, then diff them
# env:   WORK (default /var/tmp/lockstep-identity): every run writes into WORK/run, the same
#        path for both binaries, because summary.json and report.html name their inputs.
#        SCALE (default 1) of the generated scenarios.
#
# What runs (seed 1): `generate` of mixed, h20 and organic; `analyze` of each posts.jsonl
# (h20 with its references, seed accounts and `--watch 后门,backdoor`); `network` for every
# behaviour and semantics on mixed's posts.csv, each with --evidence; and `demo`.
#
# Nondeterministic by design, and left out of the hashes: the timing fields of
# summary.json (`timings_s`, `total_s`, `narratives.timings_s` and the durations inside
# `narratives.templates.stats`), also where report.html embeds it. Everything else must be
# byte-identical; a run that fails records its exit code.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${WORK:-/var/tmp/lockstep-identity}
SCALE=${SCALE:-1}

# Hash every file under a directory, normalising what is nondeterministic by design.
hash_tree() {
    python3 - "$1" <<'PY'
import hashlib, json, os, re, sys

root = sys.argv[1]

def drop_timings(summary):
    if isinstance(summary, dict):
        summary.pop("timings_s", None)
        summary.pop("total_s", None)
        nar = summary.get("narratives")
        if isinstance(nar, dict):
            nar.pop("timings_s", None)
            # lockstep-similar's statistics, Debug-printed, end with stage durations.
            tpl = nar.get("templates")
            if isinstance(tpl, dict) and isinstance(tpl.get("stats"), str):
                tpl["stats"] = re.sub(r"(shingling|lsh_time|grouping): [^,}]+", r"\1: _", tpl["stats"])
    return summary

def normalise(path, data):
    name = os.path.basename(path)
    if name == "summary.json":
        doc = drop_timings(json.loads(data))
        return json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False).encode()
    if name.endswith(".html"):
        text = data.decode("utf-8")
        start_tag = '<script type="application/json" id="data">'
        i = text.find(start_tag)
        if i >= 0:
            j = text.find("</script>", i)
            doc = json.loads(text[i + len(start_tag):j])
            drop_timings(doc.get("summary"))
            # The page cuts long strings and says how long they were: the statistics'
            # durations change that length, so the whole string goes.
            tpl = ((doc.get("summary") or {}).get("narratives") or {}).get("templates")
            if isinstance(tpl, dict) and "stats" in tpl:
                tpl["stats"] = "_"
            body = json.dumps(doc, sort_keys=True, ensure_ascii=False)
            text = text[:i] + start_tag + body + text[j:]
        return text.encode("utf-8")
    return data

for dirpath, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        path = os.path.join(dirpath, f)
        with open(path, "rb") as fh:
            data = fh.read()
        digest = hashlib.sha256(normalise(path, data)).hexdigest()
        print(f"{digest}  {os.path.relpath(path, root)}")
PY
}

# Run BIN over the scenarios in WORK/run and print the manifest.
record() {
    local bin run status
    bin=$(realpath "$1")
    run="$WORK/run"
    rm -rf "$run"
    mkdir -p "$run"
    {
        for s in mixed h20 organic; do
            "$bin" generate --scenario "$s" --seed 1 --scale "$SCALE" --out "$run/data-$s" 2>/dev/null
        done
        for s in mixed h20 organic; do
            local extra=()
            if [ "$s" = h20 ]; then
                extra=(--reference "$run/data-h20/references.jsonl"
                    --seed-accounts "$run/data-h20/seed_accounts.csv" --watch '后门,backdoor')
            fi
            status=0
            "$bin" analyze "$run/data-$s/posts.jsonl" --out "$run/analyze-$s" "${extra[@]}" \
                2>"$WORK/analyze-$s.log" || status=$?
            echo "exit $status  analyze-$s"
        done
        mkdir -p "$run/network"
        for sem in native cnt coortweet; do
            for b in co-repost co-link co-text co-similar co-reply co-hashtag co-post co-object; do
                status=0
                "$bin" network "$run/data-mixed/posts.csv" --behaviour "$b" --window 60 \
                    --semantics "$sem" --out "$run/network/$sem-$b.csv" \
                    --evidence "$run/network/$sem-$b-evidence.csv" 2>/dev/null || status=$?
                echo "exit $status  network $sem $b"
            done
        done
        status=0
        "$bin" demo --out "$run/demo" >/dev/null 2>&1 || status=$?
        echo "exit $status  demo"
        hash_tree "$run"
    }
}

if [ "${1:-}" = --compare ]; then
    [ $# -eq 3 ] || { echo "usage: $0 --compare BIN_A BIN_B" >&2; exit 2; }
    mkdir -p "$WORK"
    record "$2" >"$WORK/a.manifest"
    record "$3" >"$WORK/b.manifest"
    echo "$(grep -c . "$WORK/a.manifest") lines in $WORK/a.manifest" >&2
    if diff "$WORK/a.manifest" "$WORK/b.manifest"; then
        echo "identical: every output of $2 and $3 has the same sha256" >&2
    else
        echo "DIFFERENT (above: < $2, > $3)" >&2
        exit 1
    fi
else
    [ $# -eq 2 ] || { echo "usage: $0 BIN MANIFEST | --compare BIN_A BIN_B" >&2; exit 2; }
    mkdir -p "$WORK"
    record "$1" >"$2"
    echo "$(grep -c . "$2") lines in $2" >&2
fi
