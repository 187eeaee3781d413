#!/usr/bin/env bash
# The README's first command: sets up what is missing (tools are installed only once),
# builds the `anc` command line and the page, and serves the page on 127.0.0.1.
# PORT=9000 bash scripts/setup.sh serves on another port.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
bash scripts/build-page.sh
PORT=${PORT:-8080}
echo
echo "The command line: target/release/anc --help"
echo "The page:         http://127.0.0.1:$PORT/   (Ctrl+C stops the server)"
exec node tests/e2e/server.js dist "$PORT"
