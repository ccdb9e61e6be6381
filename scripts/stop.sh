#!/usr/bin/env bash
# Stops what `npm start` started: services first (they leave their consumer groups and commit), then Kafka.
# PostgreSQL is the machine's own server and stays up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
local_stack_env

stop_services
scripts/kafka.sh stop
