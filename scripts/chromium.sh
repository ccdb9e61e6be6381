#!/usr/bin/env bash
# Finds Debian's chromium for the console's Playwright specs, installing the package when it is missing
# (apt-get; needs root). The specs never download a browser, and a missing chromium fails them.
# usage: scripts/chromium.sh   (prints the path)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  command -v apt-get >/dev/null || die "no chromium at $CHROMIUM and no apt-get to install it (set CHROMIUM_PATH)"
  [ "$(id -u)" = 0 ] || die "no chromium at $CHROMIUM: install Debian's package (sudo apt-get install chromium)"
  log "installing Debian's chromium package (once)"
  apt-get update -qq >"$RUN_DIR/apt-chromium.log" 2>&1 || { tail -20 "$RUN_DIR/apt-chromium.log" >&2; die "apt-get update failed"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-core \
    >>"$RUN_DIR/apt-chromium.log" 2>&1 || { tail -20 "$RUN_DIR/apt-chromium.log" >&2; die "apt-get install chromium failed"; }
fi
[ -x "$CHROMIUM" ] || die "chromium did not install at $CHROMIUM"
echo "$CHROMIUM"
