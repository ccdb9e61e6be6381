#!/usr/bin/env bash
# Runs one integration spec N times in a row against the running stack and tallies the results, to
# show that a spec does not depend on timing. With --busy-core, a busy loop pinned to core 0 makes CPU
# scarce for the whole run (ADR 0011).
# usage: scripts/repeat-spec.sh [--busy-core] N path/to/some.integration-spec.ts
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

busy=0
if [ "${1:-}" = --busy-core ]; then busy=1; shift; fi
runs=${1:?usage: scripts/repeat-spec.sh [--busy-core] N spec}
spec=${2:?usage: scripts/repeat-spec.sh [--busy-core] N spec}
[ -f "$spec" ] || die "no such spec: $spec"

ensure_node_modules
scripts/postgres.sh bnp bnp_test
scripts/kafka.sh start

hog=
if [ "$busy" = 1 ]; then
  command -v taskset >/dev/null || die "taskset (util-linux) is needed for --busy-core"
  taskset -c 0 bash -c 'while :; do :; done' &
  hog=$!
  trap '[ -n "$hog" ] && kill "$hog" 2>/dev/null || true' EXIT
  log "a busy loop holds core 0 (pid $hog)"
fi

out="$RUN_DIR/repeat-spec"
rm -rf "$out" && mkdir -p "$out"
passed=0 failed=0
for ((i = 1; i <= runs; i++)); do
  if npx jest --ci -c jest.integration.config.js "$spec" >"$out/run-$i.log" 2>&1; then
    passed=$((passed + 1))
    log "run $i/$runs passed"
  else
    failed=$((failed + 1))
    log "run $i/$runs FAILED: $out/run-$i.log"
    grep -E '●|Expected|Received|timed out' "$out/run-$i.log" | head -20 >&2 || true
  fi
done
echo "repeat: $passed passed, $failed failed"
[ "$failed" = 0 ]
