#!/usr/bin/env bash
# Generates TypeScript from proto/ into libs/contracts/src/gen (buf + protoc-gen-es, both from npm).
# --check: fail if the committed output differs from what proto/ generates.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
npx buf lint proto
if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  npx buf generate --template buf.gen.yaml -o "$tmp"
  diff -r "$tmp/libs/contracts/src/gen" libs/contracts/src/gen >/dev/null ||
    die "libs/contracts/src/gen is out of date with proto/: run 'npm run generate' and commit the result"
else
  npx buf generate
fi
