#!/usr/bin/env bash
# npm run demo: the local stack (as npm start), then the sample incident end to end.
# The services' consumer groups first skip what is already on the broker (tests and benchmarks leave
# traffic there, encrypted with other keys), so the demo's services read only the demo's events.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
DEMO_STARTED_AT_MS=$(date +%s%3N)
export DEMO_STARTED_AT_MS
local_stack_env
ensure_node_modules
# The operator's size and about how long the run takes, before anything starts (and bad options refused).
node -r @swc-node/register scripts/demo-plan.ts "$@"
scripts/postgres.sh "$(database_name)"
scripts/kafka.sh start
node -r @swc-node/register scripts/kafka-topics.ts
stop_services
node -r @swc-node/register scripts/kafka-groups.ts \
  breach-intake exposure notifier notification-log-writer fraud-guard fraud-guard-control operator-bss-stand-in
bash scripts/start.sh
set -a
. "$ROOT/deploy/local/local.env"
# shellcheck disable=SC1091
. "$CACHE/dev-secrets.env"
set +a
node -r @swc-node/register scripts/demo.ts "$@"
