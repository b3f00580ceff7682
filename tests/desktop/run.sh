#!/usr/bin/env bash
# The desktop end-to-end tests: builds the app and the CLI, then runs the tests
# on a private X display (Xvfb) inside a private D-Bus session, where a test
# notification daemon records what the app shows.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The same build as `cargo test --workspace` (which builds both binaries), so
# after the test step nothing is compiled again.
cargo test --workspace --locked --no-run

bash scripts/with-display.sh node --test --test-concurrency=1 tests/desktop/app.test.mjs
