#!/usr/bin/env bash
# Runs every check and test: installs what they need, then the UI's type check,
# unit tests, build and browser tests, then rustfmt, clippy and the Rust tests
# (which start and stop their own local cloud), the dependency policy, the
# fuzz targets for a bounded time, and the desktop end-to-end tests.
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

echo "== Dependencies: licences, duplicate versions, sources (no advisory database needed)"
.tools/bin/cargo-deny --locked check licenses bans sources

echo "== Fuzzing: the envelope parser, tap validation and delivery messages, ${FUZZ_SECONDS:-60}s each"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

echo "== Desktop: the real app under Xvfb, through tauri-driver, against a local cloud"
bash tests/desktop/run.sh

echo "== Packaging: the .deb from this checkout"
bash tests/package/check-deb.sh
