#!/usr/bin/env bash
# Builds the store function for AWS Lambda's provided.al2023 (x86_64, glibc
# 2.34): the release `bootstrap` of kitchen-lambda, linked by cargo-zigbuild
# against glibc 2.34's symbols whatever this machine's glibc, then checked to
# need no glibc symbol version above 2.34, then zipped as Lambda takes it:
# store-function.zip with the one file `bootstrap`, mode 0755.
#
# Needs scripts/install-deps.sh first (cargo-zigbuild in .tools/bin, the pinned
# zig in .tools/ziglang); after that it builds offline.
# CARGO_TARGET_DIR: where it builds (default target/lambda); the zip is written
# there too, as $CARGO_TARGET_DIR/store-function.zip.
set -euo pipefail
cd "$(dirname "$0")/.."

TRIPLE="x86_64-unknown-linux-gnu"
GLIBC_MAX="2.34" # provided.al2023's glibc: zig links against its symbols
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/lambda}"
mkdir -p "$CARGO_TARGET_DIR"
CARGO_TARGET_DIR="$(cd "$CARGO_TARGET_DIR" && pwd)"

zigbuild=.tools/bin/cargo-zigbuild
zig_python=.tools/ziglang/bin/python
for needed in "$zigbuild" "$zig_python"; do
  if [ ! -x "$needed" ]; then
    echo "build-lambda: $needed is missing: run scripts/install-deps.sh first" >&2
    exit 1
  fi
done
# cargo-zigbuild runs zig as `PYTHON -m ziglang`: the pinned one, not any other.
export CARGO_ZIGBUILD_PYTHON_PATH="$PWD/$zig_python"
echo "build-lambda: zig $("$zig_python" -m ziglang version), $("$zigbuild" --version)"

# The check itself first: it must refuse a native binary needing a newer glibc.
bash tests/lambda/check-glibc-test.sh

"$zigbuild" zigbuild --release --locked -p kitchen-lambda --bin bootstrap --target "$TRIPLE.$GLIBC_MAX"
binary="$CARGO_TARGET_DIR/$TRIPLE/release/bootstrap"

if ! readelf -h "$binary" | grep -q 'Machine:.*X86-64'; then
  echo "build-lambda: $binary is no x86-64 ELF binary" >&2
  exit 1
fi
scripts/check-glibc.sh "$binary" "$GLIBC_MAX"

# The zip, with Python's zipfile (zip itself may not be installed): the one
# entry `bootstrap`, a regular file of mode 0755, a fixed date so that the same
# binary gives the same zip.
zip="$CARGO_TARGET_DIR/store-function.zip"
/usr/bin/python3 - "$binary" "$zip" <<'EOF'
import os, sys, zipfile

binary, out = sys.argv[1], sys.argv[2]
info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
info.create_system = 3  # Unix, so that Lambda reads the mode bits
info.external_attr = (0o100755 << 16)
info.compress_type = zipfile.ZIP_DEFLATED
with open(binary, "rb") as f:
    data = f.read()
with zipfile.ZipFile(out + ".tmp", "w") as z:
    z.writestr(info, data)
os.replace(out + ".tmp", out)

with zipfile.ZipFile(out) as z:
    entries = z.infolist()
    names = [e.filename for e in entries]
    if names != ["bootstrap"]:
        sys.exit(f"build-lambda: {out} holds {names}, not just bootstrap")
    mode = entries[0].external_attr >> 16
    if mode != 0o100755:
        sys.exit(f"build-lambda: bootstrap in {out} has mode {oct(mode)}, not 0o100755")
    if z.read("bootstrap") != data:
        sys.exit(f"build-lambda: bootstrap in {out} differs from {binary}")
print(f"build-lambda: {out}: bootstrap, mode {oct(mode)}, {len(data)} bytes"
      f" ({os.path.getsize(out)} zipped)")
EOF
/usr/bin/python3 -m zipfile -l "$zip"
