#!/usr/bin/env bash
# Runs the benchmarks (all, or those named) and writes bench/results/*.json plus bench/results/summary.md.
#   npm run bench                 # exposure, fanout, dispatch, codes, log
#   npm run bench -- log --quick  # the transparency log at 100,000 entries instead of 1,000,000
#   npm run bench -- exposure --subscribers 10000000
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_node_modules
scripts/postgres.sh bnp >/dev/null
# Benchmarks run alone: a local stack left up (npm start, npm run demo) consumes the contract topics the
# benchmarks publish to, and its CPU use would be measured as theirs.
stop_services
scripts/kafka.sh start
node -r @swc-node/register scripts/kafka-topics.ts

all=(exposure fanout dispatch codes log)
if [ $# -gt 0 ] && [[ " ${all[*]} " == *" $1 "* ]]; then
  names=("$1")
  shift
else
  names=("${all[@]}")
fi
for name in "${names[@]}"; do
  if [ ! -f "bench/$name.ts" ]; then log "bench/$name.ts does not exist yet; skipped"; continue; fi
  log "benchmark: $name"
  node -r @swc-node/register "bench/$name.ts" "$@"
done
node -r @swc-node/register bench/summary.ts
