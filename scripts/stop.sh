#!/usr/bin/env bash
# Stops what `npm start` started: services first (they leave their consumer groups and commit), then Keycloak and Kafka.
# PostgreSQL is the machine's own server and stays up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

stop_services
scripts/keycloak.sh stop
scripts/kafka.sh stop
