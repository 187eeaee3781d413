#!/usr/bin/env bash
# Builds the page into dist/ with trunk, offline, with the pinned local tools, and prints
# the sizes of what a browser downloads. `--archive` also packs dist/ into
# target/anc-site.tar.gz, for a server of one's own (it works from any sub-path);
# `--browser` installs Chromium for the tests too.
set -euo pipefail
cd "$(dirname "$0")/.."
archive=false
tools=()
for arg in "$@"; do
    case "$arg" in
        --archive) archive=true ;;
        --browser) tools+=(--browser) ;;
        *) echo "error: unknown option $arg (known: --archive, --browser)" >&2; exit 2 ;;
    esac
done
source scripts/tools.sh "${tools[@]}"
echo "== building the page with trunk (10–14 minutes on 2 cores the first time, seconds when nothing changed)"
TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline
# The page's module (the page and its CPU engine workers) and the WebGPU engine's (loaded
# only by a worker that trains or measures on WebGPU).
for wasm in dist/*.wasm; do
    echo "built: $wasm $(stat -c %s "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) bytes gzipped"
done
if $archive; then
    mkdir -p target
    tar -czf target/anc-site.tar.gz -C dist .
    echo "archived: target/anc-site.tar.gz $(stat -c %s target/anc-site.tar.gz) bytes (unpack it into any folder a web server serves)"
fi
