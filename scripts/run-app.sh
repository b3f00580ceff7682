#!/usr/bin/env bash
# Runs the desktop app on the local cloud: installs what it needs, starts the
# local cloud (moto on 127.0.0.1, the template deployed, the store worker), then
# opens the app with this machine as a device.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
npm run build
cargo build -p kitchen-cli -p kitchen-desktop

endpoint=$(target/debug/kitchen cloud up)
echo "local cloud: $endpoint (stop it with: target/debug/kitchen cloud down)"
export AWS_ENDPOINT_URL="$endpoint"
exec target/debug/kitchen-desktop "$@"
