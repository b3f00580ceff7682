#!/usr/bin/env bash
# Runs a command on a private X display (Xvfb) inside a private D-Bus session,
# as the desktop tests and the footprint benchmark run the app:
#   bash scripts/with-display.sh node tests/desktop/app.test.mjs
set -euo pipefail

display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1600x1000x24 -nolisten tcp &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done

export DISPLAY=":$display" WEBKIT_DISABLE_DMABUF_RENDERER=1
dbus-run-session -- "$@"
