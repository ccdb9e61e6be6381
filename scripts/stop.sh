#!/usr/bin/env bash
# Stops what `npm start` started: services first (they leave their consumer groups and commit), then Kafka.
# PostgreSQL is the machine's own server and stays up.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

for pidfile in "$RUN_DIR"/*.pid; do
  [ -e "$pidfile" ] || continue
  name=$(basename "$pidfile" .pid)
  [ "$name" = kafka ] && continue
  if pid_alive "$pidfile"; then
    log "stopping $name"
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 1 100); do pid_alive "$pidfile" || break; sleep 0.2; done
    pid_alive "$pidfile" && kill -9 "$(cat "$pidfile")"
  fi
  rm -f "$pidfile"
done
scripts/kafka.sh stop
