#!/usr/bin/env bash
# Builds the page into dist/ with trunk, offline, with the pinned local tools, and prints
# the sizes of what a browser downloads.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh "$@"
echo "== building the page with trunk (10–14 minutes on 2 cores the first time, seconds when nothing changed)"
TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline
# The page's module (the page and its CPU engine workers) and the WebGPU engine's (loaded
# only by a worker that trains or measures on WebGPU).
for wasm in dist/*.wasm; do
    echo "built: $wasm $(stat -c %s "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) bytes gzipped"
done
