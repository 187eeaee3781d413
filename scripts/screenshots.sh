#!/usr/bin/env bash
# Takes the pictures of the README and docs/ again (docs/img/*.png): builds the page, then
# drives it in headless Chromium as a first visit sees it (tests/e2e/screenshots.js).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh --browser
bash scripts/build-page.sh --browser
node tests/e2e/screenshots.js docs/img
