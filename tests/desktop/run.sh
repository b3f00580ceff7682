#!/usr/bin/env bash
# The desktop end-to-end tests: builds the app and the CLI, then runs the tests
# on a private X display (Xvfb) inside a private D-Bus session, where a test
# notification daemon records what the app shows.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The same build as `cargo test --workspace` (which builds both binaries), so
# after the test step nothing is compiled again.
cargo test --workspace --locked --no-run

display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1600x1000x24 -nolisten tcp &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done

export DISPLAY=":$display" WEBKIT_DISABLE_DMABUF_RENDERER=1
dbus-run-session -- node --test --test-concurrency=1 tests/desktop/app.test.mjs
