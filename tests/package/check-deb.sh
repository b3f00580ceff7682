#!/usr/bin/env bash
# Packaging: `npm run tauri build` makes an installable .deb from this checkout,
# with the app and the `kitchen` CLI.
# The suite packages the debug binaries the tests already compiled (`tauri
# bundle`, which builds nothing: a `tauri build` or a `cargo build -p` would
# compile most crates again, with other features than the tests' build). The
# release package (`npm run tauri build -- --bundles deb`, in the README) is the
# same recipe with the optimised binaries, and `npm run bench:footprint`
# measures it.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The app and the CLI, as `cargo test --workspace` builds them (nothing to do
# after the test stage).
cargo test --workspace --locked --no-run
rm -rf target/debug/bundle/deb
KITCHEN_CLI_BUILT=debug npm run tauri bundle -- --debug --bundles deb
shopt -s nullglob
debs=(target/debug/bundle/deb/*.deb)
[ "${#debs[@]}" -eq 1 ] || { echo "expected one .deb, found ${#debs[@]}" >&2; exit 1; }
deb=${debs[0]}

fail() { echo "package check failed: $*" >&2; exit 1; }
[ "$(dpkg-deb -f "$deb" Package)" = kitchen-dashboard ] || fail "the package is not named kitchen-dashboard"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] || fail "wrong architecture"
dpkg-deb -f "$deb" Depends | grep -q 'libwebkit2gtk-4.1-0' || fail "it does not depend on webkit2gtk-4.1"

contents=$(dpkg-deb -c "$deb")
for path in usr/bin/kitchen-desktop usr/bin/kitchen "usr/share/applications/Kitchen Dashboard.desktop" \
  usr/share/icons/hicolor/128x128/apps/kitchen-desktop.png; do
  grep -qF " $path" <<<"$contents" || fail "$path is not in the package"
done

unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
grep -qx 'Exec=kitchen-desktop' "$unpacked/usr/share/applications/Kitchen Dashboard.desktop" \
  || fail "the menu entry does not start kitchen-desktop"
# Every library the packaged binaries need is on this machine (the Depends above pull them in).
for binary in kitchen-desktop kitchen; do
  if ldd "$unpacked/usr/bin/$binary" | grep -q 'not found'; then
    ldd "$unpacked/usr/bin/$binary" | grep 'not found' >&2
    fail "$binary needs libraries that are not installed"
  fi
done
# The packaged CLI runs: it opens a new device's database and reports its outbox.
"$unpacked/usr/bin/kitchen" --data-dir "$unpacked/device" outbox | grep -q '^0 pending' \
  || fail "the packaged kitchen CLI does not run"
echo "package ok: $deb ($(du -h "$deb" | cut -f1))"
