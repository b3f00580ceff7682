#!/usr/bin/env bash
# check-glibc.sh BINARY [MAX]: fails (exit 1) when the ELF binary needs a glibc
# symbol version above MAX (default 2.34, the glibc of AWS Lambda's
# provided.al2023), naming each such symbol and its version. Prints the highest
# glibc version the binary needs. Exit 2: no such file, or not an ELF binary.
#
# The versions come from the binary's version needs (readelf -V), the symbols
# that need them from its dynamic symbol table (objdump -T). GLIBC_ABI_DT_RELR
# (packed relative relocations) counts as 2.36, the glibc that brought it; any
# other GLIBC_ name that is no version number is refused.
set -euo pipefail

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
  echo "usage: $0 BINARY [MAX]" >&2
  exit 2
fi
binary="$1"
max="${2:-2.34}"
if ! [[ "$max" =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]]; then
  echo "check-glibc: MAX must be a version like 2.34, not '$max'" >&2
  exit 2
fi
if [ ! -f "$binary" ]; then
  echo "check-glibc: no such file: $binary" >&2
  exit 2
fi
if ! readelf -h "$binary" >/dev/null 2>&1; then
  echo "check-glibc: not an ELF file: $binary" >&2
  exit 2
fi

# above A B: true when version A is higher than version B.
above() { [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n1)" = "$1" ]; }

# Every GLIBC_ version the binary needs, from its version needs section.
mapfile -t names < <(readelf -V --wide "$binary" | grep -o 'Name: GLIBC_[^ ]*' | cut -d' ' -f2 | sort -u)
# Every dynamic symbol with a GLIBC_ version: "VERSION SYMBOL" per line.
symbols="$(objdump -T --wide "$binary" | awk '{
  for (i = 1; i <= NF; i++) if ($i ~ /^\(?GLIBC_/) { v = $i; gsub(/[()]/, "", v); print v, $NF }
}' | sort -u)"
# objdump names versions readelf may not (a defined versioned symbol): take both.
mapfile -t names < <( { printf '%s\n' "${names[@]}"; awk 'NF { print $1 }' <<<"$symbols"; } | grep . | sort -uV || true)

if [ "${#names[@]}" -eq 0 ]; then
  echo "check-glibc: $binary needs no glibc symbol version (≤ $max: ok)"
  exit 0
fi

highest="" too_new=()
for name in "${names[@]}"; do
  case "$name" in
    GLIBC_ABI_DT_RELR) version="2.36" ;;
    GLIBC_[0-9]*) version="${name#GLIBC_}" ;;
    *) version="" ;;
  esac
  if [ -z "$version" ] || ! [[ "$version" =~ ^[0-9]+(\.[0-9]+)*$ ]]; then
    too_new+=("$name (not a version number)")
    continue
  fi
  if [ -z "$highest" ] || above "$version" "$highest"; then highest="$version"; fi
  if above "$version" "$max"; then too_new+=("$name"); fi
done

echo "check-glibc: the highest glibc version $binary needs: ${highest:-none}"
if [ "${#too_new[@]}" -eq 0 ]; then
  echo "check-glibc: ok, nothing above GLIBC_$max"
  exit 0
fi
echo "check-glibc: FAIL: $binary needs glibc symbol versions above GLIBC_$max:" >&2
for entry in "${too_new[@]}"; do
  name="${entry%% *}"
  syms="$(awk -v n="$name" '$1 == n { print $2 }' <<<"$symbols" | paste -sd' ' -)"
  echo "  $entry: ${syms:-(no dynamic symbol names it; a version need of the binary)}" >&2
done
exit 1
