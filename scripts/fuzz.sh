#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ once, then runs each for a bounded time
# (default 60 s, or the first argument), starting from the seeds in
# fuzz/corpus/<target>. Fails on any crash or panic; the input that caused it is
# left in fuzz/artifacts/<target>/ (replay: cargo fuzz run <target> <file>).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-60}"
CARGO_FUZZ=".tools/bin/cargo-fuzz"
[ -x "$CARGO_FUZZ" ] || { echo "cargo-fuzz is missing: run scripts/install-deps.sh" >&2; exit 1; }

# cargo-fuzz passes nightly-only flags (-Zsanitizer); the stable compiler
# accepts them under RUSTC_BOOTSTRAP, and no nightly toolchain is needed.
export RUSTC_BOOTSTRAP=1

echo "== fuzz: building the targets"
"$CARGO_FUZZ" build -O

# New inputs go to a scratch corpus: the committed seeds stay as they are.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

status=0
for target in $("$CARGO_FUZZ" list); do
  echo "== fuzz: $target for ${SECONDS_PER_TARGET}s"
  mkdir -p "$scratch/$target" "fuzz/artifacts/$target"
  if ! "$CARGO_FUZZ" run -O "$target" "$scratch/$target" "fuzz/corpus/$target" -- \
      -max_total_time="$SECONDS_PER_TARGET" -dict=fuzz/envelope.dict -max_len=16384 \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$scratch/$target.log" 2>&1; then
    tail -n 60 "$scratch/$target.log"
    echo "!! fuzz: $target failed; the input is in fuzz/artifacts/$target/" >&2
    status=1
  else
    grep -E "^(Done|stat::number_of_executed_units)" "$scratch/$target.log" || true
  fi
done
exit "$status"
