#!/usr/bin/env bash
# Sends seeded bad inputs at intake, inventory changes and the notifier's status callback, each service its
# own process, and writes bench/results/fuzz.json. Not part of npm test.
#   npm run fuzz                      # seed 1, 10,000 inputs
#   npm run fuzz -- --seed 7 --intake 1000 --inventory 1000 --callbacks 1000
# KAFKA_PORT (or KAFKA_BROKERS) picks the broker; BENCH_DATABASE_URL (else DATABASE_URL) the PostgreSQL server.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_node_modules
scripts/postgres.sh bnp >/dev/null
scripts/kafka.sh start
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}
node -r @swc-node/register scripts/kafka-topics.ts
node -r @swc-node/register test/warm-up-group.ts
node -r @swc-node/register bench/fuzz.ts "$@"
