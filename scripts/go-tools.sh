#!/usr/bin/env bash
# Go's own transparency-log packages (golang.org/x/mod/sumdb/note and .../tlog), so that specs verify the
# log with code that is not ours. Installs Debian's golang-go and golang-golang-x-mod-dev when missing, then
# builds tools/verify-log-go against Debian's copy of x/mod, offline. Prints the binary's path.
#   scripts/go-tools.sh            # -> .cache/bin/verify-log-go
set -euo pipefail
. "$(dirname "$0")/lib.sh"

XMOD=/usr/share/gocode/src/golang.org/x/mod
need=()
command -v go >/dev/null 2>&1 || need+=(golang-go)
[ -f "$XMOD/sumdb/tlog/tlog.go" ] || need+=(golang-golang-x-mod-dev)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} from Debian"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

# Debian installs x/mod as source in a GOPATH tree, not a module cache: tools/verify-log-go/go.mod replaces
# the module with that directory, and nothing is fetched (GOPROXY=off).
bin="$CACHE/bin/verify-log-go"
mkdir -p "$CACHE/bin"
(
  cd "$ROOT/tools/verify-log-go"
  GOPATH=/usr/share/gocode GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOMODCACHE="$CACHE/go-mod" \
    GOCACHE="$CACHE/go-build" go build -o "$bin" .
)
echo "$bin"
