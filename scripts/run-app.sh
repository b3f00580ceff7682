#!/usr/bin/env bash
# Runs the desktop app on the local cloud: installs what it needs, starts the
# local cloud (moto on 127.0.0.1, the template deployed, the store worker),
# fills it with a realistic evening (about 120 orders at every stage, with their
# pizzas and addresses, from a counter device of its own) unless --empty is
# given, then opens the app with this machine as a device.
set -euo pipefail
cd "$(dirname "$0")/.."

empty=false
if [ "${1:-}" = "--empty" ]; then
  empty=true
  shift
fi

bash scripts/install-deps.sh --app
npm run build
cargo build -p kitchen-cli -p kitchen-desktop

endpoint=$(target/debug/kitchen cloud up)
echo "local cloud: $endpoint (stop it with: target/debug/kitchen cloud down)"
export AWS_ENDPOINT_URL="$endpoint"

if ! $empty; then
  # Once a day per local cloud (kept across `cloud down` and `up`): a new one,
  # or a new day, gets its own evening.
  evening="${XDG_CACHE_HOME:-$HOME/.cache}/kitchen-dashboard/evening"
  this_cloud="$(target/debug/kitchen cloud status | grep 'kept since') $(date +%F)"
  if [ "$(cat "$evening/cloud" 2>/dev/null)" != "$this_cloud" ]; then
    rm -rf "$evening"
    mkdir -p "$evening"
    target/debug/kitchen --data-dir "$evening/counter" --device counter \
      simulate --orders 120 --evening
    echo "$this_cloud" > "$evening/cloud"
  fi
fi

exec target/debug/kitchen-desktop "$@"
