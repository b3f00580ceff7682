#!/usr/bin/env bash
# Tests scripts/check-glibc.sh on small C programs built here with the native
# toolchain (Debian 12: glibc 2.36): one that needs only old symbol versions
# passes; one that calls arc4random (GLIBC_2.36) is refused at the default 2.34,
# naming the symbol; one linked with packed relative relocations (the version
# need GLIBC_ABI_DT_RELR, glibc 2.36) is refused too; a file that is no ELF
# binary is a usage error. Exits non-zero when any case goes otherwise.
set -uo pipefail
cd "$(dirname "$0")/../.."

check=scripts/check-glibc.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# expect NAME STATUS PATTERN -- ARGS…: runs check-glibc.sh ARGS, wants STATUS
# and (when PATTERN is not empty) PATTERN in its output.
expect() {
  local name="$1" want="$2" pattern="$3" status=0 out
  shift 4
  out="$("$check" "$@" 2>&1)" || status=$?
  if [ "$status" -eq "$want" ] && { [ -z "$pattern" ] || grep -qE -- "$pattern" <<<"$out"; }; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name: wanted exit $want${pattern:+ and /$pattern/}, got exit $status:"
    sed 's/^/    /' <<<"$out"
    failed=$((failed + 1))
  fi
}

cat > "$work/old.c" <<'EOF'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
EOF
cat > "$work/new.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("%u\n", arc4random()); return 0; }
EOF
cc -O2 -o "$work/old" "$work/old.c"
cc -O2 -o "$work/new" "$work/new.c"
cc -O2 -Wl,-z,pack-relative-relocs -o "$work/relr" "$work/old.c"

expect "a binary needing only old glibc versions passes" 0 "highest glibc version .* 2\.(2|3)[0-9.]*$" -- "$work/old"
expect "a native binary needing GLIBC_2.36 (arc4random) is refused at 2.34" 1 "GLIBC_2\.36: arc4random" -- "$work/new"
expect "the refusal prints the highest version, 2.36" 1 "needs: 2\.36$" -- "$work/new"
expect "the same binary passes at MAX 2.36" 0 "nothing above GLIBC_2\.36" -- "$work/new" 2.36
expect "packed relative relocations (GLIBC_ABI_DT_RELR) are refused at 2.34" 1 "GLIBC_ABI_DT_RELR" -- "$work/relr"
expect "a file that is no ELF binary is a usage error" 2 "not an ELF file" -- "$work/old.c"
expect "a MAX that is no version is a usage error" 2 "MAX must be" -- "$work/old" latest

echo "check-glibc: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
