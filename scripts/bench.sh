#!/usr/bin/env bash
# Runs the benchmarks (all, or the one named) and writes bench/results/*.json plus bench/results/summary.md.
#   npm run bench                                  # exposure, fanout, dispatch, dispatch-faults, codes, encoders, log, callbacks, pace
#   npm run bench -- log --quick                   # the transparency log at 100,000 entries instead of 1,000,000
#   npm run bench -- pace --quick                  # pace at 5,000 subscribers; --subscribers 1000000 --limit 2000 --instances 2
#   npm run bench -- exposure --subscribers 10000000
#   npm run bench -- --quick                       # each at a size that takes minutes, into bench/results/quick
# KAFKA_PORT (or KAFKA_BROKERS) picks the broker; BENCH_DATABASE_URL (else DATABASE_URL) the PostgreSQL
# server and the prefix of the databases the benchmarks create and drop (default .../bnp_bench).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_node_modules
scripts/postgres.sh bnp >/dev/null
# Benchmarks run alone: a local stack left up (npm start, npm run demo) consumes the contract topics the
# benchmarks publish to, and its CPU use would be measured as theirs.
stop_services
scripts/kafka.sh start
# The log benchmark exports its bundle as regulator-api would, with a token of the local realm (ADR 0024).
scripts/keycloak.sh start
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}
node -r @swc-node/register scripts/kafka-topics.ts
# A fresh broker loads its group coordinator at the first group request: made ready before any benchmark.
node -r @swc-node/register test/warm-up-group.ts

quick=0
args=()
for arg in "$@"; do
  if [ "$arg" = --quick ]; then quick=1; else args+=("$arg"); fi
done
set -- ${args[@]+"${args[@]}"}

all=(exposure fanout dispatch dispatch-faults codes encoders log callbacks pace)
if [ $# -gt 0 ] && [[ " ${all[*]} " == *" $1 "* ]]; then
  names=("$1")
  shift
else
  names=("${all[@]}")
fi
# --quick: sizes that take at most a few minutes each on a loaded 2-core machine; options given after
# them (npm run bench -- --quick exposure --subscribers 500000) still win, as parseArgs keeps the last.
quick_args() {
  case "$1" in
    exposure) echo --subscribers 200000 ;;
    fanout) echo --people 200000 ;;
    dispatch) echo --people 10000 --incidents 20 ;;
    codes) echo --count 1000000 ;;
    log) echo --entries 100000 ;;
    pace) echo --subscribers 5000 ;;
  esac
}
if [ "$quick" = 1 ]; then export BENCH_RESULTS_DIR=${BENCH_RESULTS_DIR:-$ROOT/bench/results/quick}; fi
for name in "${names[@]}"; do
  if [ ! -f "bench/$name.ts" ]; then log "bench/$name.ts does not exist yet; skipped"; continue; fi
  extra=()
  # shellcheck disable=SC2207
  [ "$quick" = 1 ] && extra=($(quick_args "$name"))
  log "benchmark: $name ${extra[*]:-} $*"
  started=$SECONDS
  node -r @swc-node/register "bench/$name.ts" ${extra[@]+"${extra[@]}"} "$@" || die "benchmark $name failed (exit $?) after $((SECONDS - started)) s"
  log "benchmark $name finished in $((SECONDS - started)) s"
done
node -r @swc-node/register bench/summary.ts
