#!/usr/bin/env bash
# Brings the whole local stack up: PostgreSQL, Kafka (KRaft), topics, migrations, the provider
# stand-ins and every service, then prints where each listens. `npm stop` takes it down.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_node_modules
scripts/postgres.sh bnp
scripts/kafka.sh start
node -r @swc-node/register scripts/kafka-topics.ts
node -r @swc-node/register scripts/migrate.ts

# Local-only secrets, made once and kept in .cache so data encrypted yesterday still decrypts today.
secrets="$CACHE/dev-secrets.env"
if [ ! -f "$secrets" ]; then
  log "generating local PII keys in $secrets (development only)"
  {
    echo "PII_ENCRYPTION_KEYS=dev1:$(head -c 32 /dev/urandom | base64 -w0)"
    echo "PII_ACTIVE_KEY_ID=dev1"
    echo "PII_BLIND_INDEX_KEY=$(head -c 32 /dev/urandom | base64 -w0)"
  } > "$secrets"
  chmod 600 "$secrets"
fi
set -a
# shellcheck disable=SC1090
. "$secrets"
set +a

start_process() { # name port health-path command...
  local name=$1 port=$2 health=$3
  shift 3
  local pid="$RUN_DIR/$name.pid"
  if pid_alive "$pid"; then log "$name already running (pid $(cat "$pid"))"; return 0; fi
  PORT=$port nohup "$@" >"$RUN_DIR/$name.log" 2>&1 &
  echo $! >"$pid"
  for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$port$health" >/dev/null 2>&1; then return 0; fi
    pid_alive "$pid" || { tail -20 "$RUN_DIR/$name.log" >&2; die "$name exited during start (log: $RUN_DIR/$name.log)"; }
    sleep 0.2
  done
  die "$name did not become ready on port $port (log: $RUN_DIR/$name.log)"
}

urls=()
while read -r name port entry; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  start_process "$name" "$port" /health node -r @swc-node/register "$entry"
  urls+=("$(printf '%-18s http://127.0.0.1:%s  (health: /health, metrics: /metrics)' "$name" "$port")")
done < scripts/services.txt

echo
echo "Local stack is up:"
echo "  PostgreSQL         postgres://postgres@127.0.0.1:5432/bnp"
echo "  Kafka (KRaft)      127.0.0.1:9092"
for line in "${urls[@]}"; do echo "  $line"; done
echo "Logs: $RUN_DIR/*.log   Stop with: npm stop"
