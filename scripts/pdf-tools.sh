#!/usr/bin/env bash
# Poppler's pdftotext and pdftoppm (Debian's poppler-utils), so that specs read the regulator reports' PDFs
# as a reader's tool does, not with our own parser. Installs the package when missing.
#   scripts/pdf-tools.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  log "installing poppler-utils from Debian"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends poppler-utils >&2
fi
command -v pdftotext >/dev/null 2>&1 || die "pdftotext is still missing after installing poppler-utils"
