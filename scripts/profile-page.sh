#!/usr/bin/env bash
# Profiles CPU (wasm) training in the page: builds a copy of the page whose .wasm keeps its
# function names (wasm-opt off, which would drop them) into target/dist-profile/, then
# prints the functions with the most self time (tests/e2e/profile.js).
# ITERATIONS=300 TOP=40 bash scripts/profile-page.sh
# WORKERS=1 ... profiles the engine workers (where training runs) instead of the page's thread.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh --browser
# trunk reads relative asset paths from the HTML file's folder, so the copy sits beside
# index.html for the build and is removed after it.
sed 's/data-wasm-opt="z"/data-wasm-opt="0"/' index.html > index.profile.html
trap 'rm -f index.profile.html' EXIT
TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline --dist target/dist-profile index.profile.html
DIST=target/dist-profile node tests/e2e/profile.js
