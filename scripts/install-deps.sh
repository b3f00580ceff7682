#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine:
# system packages, the pinned local cloud (moto) in .venv, pinned cargo tools
# (built once per machine, reached through .tools), zig for the Lambda build
# (in .tools/ziglang), and npm packages.
#
# With --app, only what building and running the app on the local cloud needs
# (scripts/run-app.sh): the build tools, webkit2gtk-4.1, the local cloud and
# the npm packages, without the test suite's display, browser, cargo tools and
# zig.
set -euo pipefail
cd "$(dirname "$0")/.."

app_only=false
case "${1:-}" in
  "") ;;
  --app) app_only=true ;;
  *) echo "install-deps: unknown option '$1' (the only one is --app)" >&2; exit 2 ;;
esac

MOTO_VERSION="5.2.5"
APT_PACKAGES=(
  build-essential pkg-config libssl-dev curl file
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libayatana-appindicator3-dev librsvg2-dev
  python3-venv
)
if ! $app_only; then
  # The tests': a private display, D-Bus and its notification daemon, the
  # WebDriver of webkit2gtk, Chromium for the browser tests, screenshots and
  # skewed clocks.
  APT_PACKAGES+=(
    xvfb xauth dbus dbus-x11 python3-dbusmock libnotify-bin libglib2.0-bin
    webkit2gtk-driver chromium imagemagick faketime
  )
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The local cloud: moto's server and its whole Python environment, every
# package pinned to a version and its hashes, in a project-local virtual
# environment. A changed requirements file makes the environment anew.
REQUIREMENTS=infra/local-cloud/requirements.txt
wanted="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ "$(cat .venv/requirements.sha256 2>/dev/null)" != "$wanted" ] \
  || ! .venv/bin/python -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  echo "installing the local cloud (moto[server]==$MOTO_VERSION, $REQUIREMENTS) into .venv"
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check --no-deps --require-hashes -r "$REQUIREMENTS"
  echo "$wanted" > .venv/requirements.sha256
fi

if [ -f package-lock.json ]; then
  [ -d node_modules ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund
fi

# The rest is the tests' and the Lambda build's.
if $app_only; then exit 0; fi

# The pinned cargo tools are built once per machine, in a cache shared by every
# checkout (KITCHEN_TOOLS_CACHE), and the project reaches them through .tools.
if [ ! -e .tools ]; then
  tools_cache="${KITCHEN_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kitchen-dashboard/tools}"
  mkdir -p "$tools_cache"
  ln -s "$tools_cache" .tools
fi

# Installs a pinned cargo tool into .tools unless that version is there.
install_tool() { # crate version binary
  if ! grep -qx "$2" ".tools/$1.version" 2>/dev/null || [ ! -x ".tools/bin/$3" ]; then
    echo "installing $1 $2 into .tools"
    cargo install --quiet --locked --root .tools --version "$2" "$1"
    echo "$2" > ".tools/$1.version"
  fi
}
# The WebDriver bridge of the desktop end-to-end tests.
install_tool tauri-driver 2.1.0 tauri-driver
# Fuzzing (libFuzzer through cargo-fuzz) and the dependency policy check.
install_tool cargo-fuzz 0.13.2 cargo-fuzz
install_tool cargo-deny 0.20.2 cargo-deny
# The Rust tests' runner: every test its own process, two at a time.
install_tool cargo-nextest 0.9.143 cargo-nextest
# The store function's build for AWS Lambda (scripts/build-lambda.sh): cargo
# through zig, which links against an older glibc than this machine's.
install_tool cargo-zigbuild 0.24.1 cargo-zigbuild

# Zig itself, for cargo-zigbuild: the ziglang wheel of PyPI, pinned to its
# version and hash, in a virtual environment of its own beside the cargo tools
# (.tools/ziglang). A changed requirements file makes the environment anew.
ZIG_REQUIREMENTS=infra/lambda/requirements.txt
zig_wanted="$(sha256sum "$ZIG_REQUIREMENTS" | cut -d' ' -f1)"
if [ "$(cat .tools/ziglang/requirements.sha256 2>/dev/null)" != "$zig_wanted" ] \
  || ! .tools/ziglang/bin/python -m ziglang version >/dev/null 2>&1; then
  echo "installing zig ($ZIG_REQUIREMENTS) into .tools/ziglang"
  rm -rf .tools/ziglang
  python3 -m venv .tools/ziglang
  .tools/ziglang/bin/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes \
    -r "$ZIG_REQUIREMENTS"
  echo "$zig_wanted" > .tools/ziglang/requirements.sha256
fi
