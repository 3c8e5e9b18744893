#!/usr/bin/env bash
# Re-vendors sigma and graphology from the npm registry into this folder.
# usage: ./update.sh [SIGMA_VERSION] [GRAPHOLOGY_VERSION]
set -euo pipefail
cd "$(dirname "$0")"
sigma=${1:-3.0.3}
graphology=${2:-0.26.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts \
    "sigma@$sigma" "graphology@$graphology" >/dev/null)
m=$tmp/node_modules
cp "$m/sigma/dist/sigma.min.js" sigma.min.js
cp "$m/sigma/LICENSE.txt" LICENSE-sigma.txt
cp "$m/graphology/dist/graphology.umd.min.js" graphology.umd.min.js
cp "$m/graphology/LICENSE.txt" LICENSE-graphology.txt
cp "$m/events/LICENSE" LICENSE-events.txt
cp "$m/graphology-utils/LICENSE.txt" LICENSE-graphology-utils.txt
sha256sum sigma.min.js graphology.umd.min.js
