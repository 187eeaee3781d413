#!/usr/bin/env bash
# The README's second command: runs every test (.ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
# The native suite: the learning core and the `anc` command line, in release mode
# (training tests need optimised code; the release build is shared with `anc`).
cargo test --release --locked
# The page: built with trunk, then driven in headless Chromium (CPU fallback, and
# WebGPU where the browser gives an adapter). Screenshots land in target/e2e/.
bash scripts/build-page.sh --browser
node --test --test-concurrency=1 tests/e2e/
