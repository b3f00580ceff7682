#!/usr/bin/env bash
# Runs every check and test: installs what they need, then the UI's type check,
# unit tests, build and browser tests, then rustfmt, clippy and the Rust tests
# (which start and stop their own local cloud).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

echo "== UI: type check, unit tests, build, browser tests"
npm run check
npm test
npm run build
npm run e2e

echo "== Rust: format, lints, tests"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

echo "== Desktop: the real app under Xvfb, through tauri-driver, against a local cloud"
bash tests/desktop/run.sh
