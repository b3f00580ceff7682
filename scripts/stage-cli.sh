#!/usr/bin/env bash
# Builds the `kitchen` CLI with the same profile as the app being bundled and
# puts it where the .deb takes it from (bundle.linux.deb.files in
# src-tauri/tauri.conf.json). Run by `npm run tauri build` before bundling,
# which sets TAURI_ENV_DEBUG.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${KITCHEN_CLI_BUILT:-}" ]; then
  # The caller built it already (the package check: the tests' build).
  profile="$KITCHEN_CLI_BUILT"
elif [ "${TAURI_ENV_DEBUG:-false}" = true ]; then
  cargo build --locked -p kitchen-cli --bin kitchen
  profile=debug
else
  cargo build --locked --release -p kitchen-cli --bin kitchen
  profile=release
fi
mkdir -p target/bundle-cli
cp "target/$profile/kitchen" target/bundle-cli/kitchen
