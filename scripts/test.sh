#!/usr/bin/env bash
# Runs every test of the project (the README's second command; .ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
# The native suite: the learning core and the `anc` command line, in release mode
# (training tests need optimised code; the release build is shared with `anc`).
cargo test --release --locked
