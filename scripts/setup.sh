#!/usr/bin/env bash
# The README's first command: sets up what is missing (tools are installed only once),
# builds the page and serves it on 127.0.0.1 as soon as it is built, then builds the `anc`
# command line while the page is already up (the page does not need it).
# PORT=9000 bash scripts/setup.sh serves on another port.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash scripts/build-page.sh
PORT=${PORT:-8080}
node tests/e2e/server.js dist "$PORT" &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT INT TERM
echo
echo "The page:         http://127.0.0.1:$PORT/   ($((SECONDS - started)) s after the start; Ctrl+C stops the server)"
echo "== building the anc command line while the page is served (about 6 minutes the first time, seconds after)"
cargo build --release --locked --quiet
echo "The command line: target/release/anc --help   ($((SECONDS - started)) s after the start)"
wait "$server"
