#!/usr/bin/env bash
# Runs every check and test: installs what they need, then the UI's type check,
# unit tests, build and browser tests, then rustfmt, clippy and the Rust tests
# (which start and stop their own local cloud), the dependency policy, the
# fuzz targets for a bounded time, the desktop end-to-end tests, the .deb, and
# the store function's Lambda build (bootstrap for provided.al2023, its zip).
#
# Each stage runs in a session of its own; when it ends, passed or failed,
# whatever it left running (a local cloud, a station, a display) is stopped.
# A table of each stage's seconds is printed at the end, also after a failure,
# with the disk space the builds take and what is left.
set -euo pipefail
cd "$(dirname "$0")/.."

# FUZZ_SECONDS: seconds per fuzz target (default 20: the seeds plus a few
# hundred thousand runs each, enough to catch a regression in the parsers).
FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
# TIDY=1: removes a build once no later stage needs it (the fuzz targets' after
# fuzzing), for a machine short of disk; .ci/run sets it. Unset, the build stays
# for the next run.
TIDY="${TIDY:-0}"
# Each crate is built once per run: incremental compilation's caches would only
# take disk space (more than a gigabyte) and time.
export CARGO_INCREMENTAL=0

# The builds take about 5 GB: target/ (the workspace, the Lambda build) and
# fuzz/target. Say so before they start rather than fail on a full disk.
NEEDED_MB=6000
free_mb() { df -Pm . | awk 'NR == 2 { print $4 }'; }
if [ "$(free_mb)" -lt "$NEEDED_MB" ]; then
  echo "warning: $(free_mb) MB free on this disk; the suite's builds take about $NEEDED_MB MB" >&2
fi

timings=()
print_timings() {
  [ "${#timings[@]}" -gt 0 ] || return 0
  echo
  echo "== Stage timings (seconds)"
  local total=0 row
  for row in "${timings[@]}"; do
    printf '%6s  %s\n' "${row%%|*}" "${row#*|}"
    total=$((total + ${row%%|*}))
  done
  printf '%6s  %s\n' "$total" "total"
  echo "Disk: the builds take $(du -scm target fuzz/target 2>/dev/null | awk 'END { print $1 }') MB, $(free_mb) MB free"
}
trap print_timings EXIT

# stage NAME COMMAND…: runs the command in its own session, times it, and
# stops by session id every process it left behind.
sid=""
trap '[ -z "$sid" ] || pkill -KILL -s "$sid" 2>/dev/null; exit 130' INT TERM
stage() {
  local name="$1" started=$SECONDS status=0
  shift
  echo "== $name"
  setsid "$@" &
  sid=$!
  wait "$sid" || status=$?
  pkill -KILL -s "$sid" 2>/dev/null || true
  sid=""
  timings+=("$((SECONDS - started))|$name$([ "$status" -eq 0 ] || echo " (FAILED, exit $status)")")
  return "$status"
}

stage "Install: Debian packages, the local cloud, tools, npm packages" bash scripts/install-deps.sh

stage "UI: type check" npm run check
stage "UI: unit tests" npm test
stage "UI: build" npm run build
stage "UI: browser tests" npm run e2e

stage "Template: cfn-lint" .venv/bin/cfn-lint infra/template.yaml
stage "Rust: format" cargo fmt --all --check
stage "Rust: lints" cargo clippy --workspace --all-targets --locked -- -D warnings
# cargo-nextest: each test its own process, two at a time across the crates,
# so one long test no longer holds up the crates after it. Each test owns its
# local cloud and its processes.
stage "Rust: tests" .tools/bin/cargo-nextest nextest run --workspace --locked --no-fail-fast

stage "Dependencies: licences, duplicate versions, sources" \
  .tools/bin/cargo-deny --locked check licenses bans sources

stage "Fuzzing: envelope parser, tap validation, delivery messages, ${FUZZ_SECONDS}s each" \
  bash scripts/fuzz.sh "$FUZZ_SECONDS"
[ "$TIDY" != 1 ] || rm -rf fuzz/target

stage "Desktop: the real app under Xvfb, through tauri-driver, against a local cloud" \
  bash tests/desktop/run.sh

stage "Packaging: the .deb from this checkout" bash tests/package/check-deb.sh

# The store function for AWS Lambda's provided.al2023 (glibc 2.34), as an
# operator packages it (`kitchen cloud package`, which runs
# scripts/build-lambda.sh): built in its own target directory (target/lambda)
# through zig; the glibc check's own test first, then the check on the built
# bootstrap, then its zip. It runs the `kitchen` the tests built and the .deb
# holds: a `cargo run` would build the CLI once more, without the tests'
# features.
stage "Lambda: bootstrap for provided.al2023 (glibc ≤ 2.34) and its zip" \
  target/debug/kitchen cloud package --out target/store-function.zip
