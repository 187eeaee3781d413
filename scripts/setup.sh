#!/usr/bin/env bash
# Sets up what is missing and builds the `anc` command line (the README's first command).
# Every step checks what is already there first, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null; then
    echo "cargo is missing: install Rust with rustup first (https://rustup.rs)" >&2
    exit 1
fi
cargo build --release --locked
echo
echo "Built target/release/anc. Try:"
echo "  target/release/anc train --preset seed16 --out seed16.bin --csv losses.csv"
echo "  target/release/anc audit --model seed16.bin --steps 5000"
