#!/usr/bin/env bash
# Browser benchmark: trains seed16 (batch 512) for a fixed number of iterations in the
# built page in headless Chromium, on the CPU (wasm) and on WebGPU where there is an
# adapter, and prints iterations per second beside the native `anc bench` of the same run.
# ITERATIONS=200 bash scripts/bench-page.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
bash scripts/build-page.sh --browser
ITERATIONS=${ITERATIONS:-200} node tests/e2e/bench.js
