#!/usr/bin/env bash
# Brings the whole local stack up: PostgreSQL, Kafka (KRaft), Keycloak (realm bnp), topics, migrations, the provider
# stand-ins and every service, then prints where each listens. `npm stop` takes it down.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
local_stack_env

ensure_node_modules
scripts/postgres.sh "$(database_name)"
scripts/kafka.sh start
scripts/keycloak.sh start
node -r @swc-node/register scripts/kafka-topics.ts
node -r @swc-node/register scripts/migrate.ts
log "building the care console (services/care-web)"
npm run --silent build:care-web >/dev/null

# Local-only secrets, made once and kept in .cache so data encrypted yesterday still decrypts today.
# A key added by a newer version of this script is appended to an older file.
secrets="$CACHE/dev-secrets.env"
touch "$secrets" && chmod 600 "$secrets"
random_b64() { head -c "$1" /dev/urandom | base64 -w0; }
ensure_secret() { grep -q "^$1=" "$secrets" || { echo "$1=$2" >> "$secrets"; log "generated local $1 (development only)"; }; }
ensure_secret PII_ENCRYPTION_KEYS "dev1:$(random_b64 32)"
ensure_secret PII_ACTIVE_KEY_ID dev1
ensure_secret PII_BLIND_INDEX_KEY "$(random_b64 32)"
ensure_secret NOTIFIER_LOG_HMAC_KEY "$(random_b64 32)"
ensure_secret FRAUD_ACTIVATION_CODE_KEY "$(random_b64 32)"
ensure_secret TLOG_PSEUDONYM_KEY "$(random_b64 32)"
# The transparency log's Ed25519 key (named by its origin) and the local witness's cosigning key, with the
# verifier keys each side needs; the public halves are what a regulator pins (docs/transparency-log.md).
if ! grep -q '^TLOG_SIGNING_KEY=' "$secrets"; then
  keygen() { node -r @swc-node/register tools/verify-log/src/main.ts keygen "$@"; }
  mapfile -t log_keys < <(keygen bnp.local/transparency-log)
  mapfile -t witness_keys < <(keygen witness.bnp.local --cosigner)
  {
    echo "TLOG_SIGNING_KEY=${log_keys[0]}"
    echo "TLOG_VERIFIER_KEY=${log_keys[1]}"
    echo "WITNESS_KEY=${witness_keys[0]}"
    echo "TLOG_WITNESS_KEY=${witness_keys[1]}"
  } >> "$secrets"
  log "generated the local transparency log and witness keys (development only)"
fi
# The operator's Ed25519 key that signs reports to regulators (JWK), and its public half the portal stand-in trusts.
if ! grep -q '^REGULATOR_SIGNING_JWK=' "$secrets"; then
  node -e '
    const { generateKeyPairSync } = require("node:crypto");
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const kid = "operator-local-" + Date.now().toString(36);
    const pub = { ...publicKey.export({ format: "jwk" }), alg: "EdDSA", kid };
    console.log("REGULATOR_SIGNING_JWK=\x27" + JSON.stringify({ ...privateKey.export({ format: "jwk" }), alg: "EdDSA", kid }) + "\x27");
    console.log("REGULATOR_PORTAL_OPERATOR_JWK=\x27" + JSON.stringify(pub) + "\x27");' >> "$secrets"
  log "generated the local report-signing key (development only)"
fi
set -a
. "$ROOT/deploy/local/local.env"
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

# Provider stand-ins: what the notifier talks to locally instead of Twilio and an SMTP relay.
start_process twilio-stand-in 4010 /__admin/health node -r @swc-node/register deploy/local/twilio-stand-in/src/main.ts
start_process smtp-sink 1080 /api/health node -r @swc-node/register deploy/local/smtp-sink/src/main.ts
start_process monitoring-partner 4020 /health node -r @swc-node/register deploy/local/monitoring-partner/src/main.ts
# What the operator's provisioning adapter does with fraud.protection.v1: apply and acknowledge.
start_process operator-bss 4030 /health node -r @swc-node/register deploy/local/operator-bss/src/main.ts
# The witness (C2SP tlog-witness) that cosigns the transparency log's checkpoints; it remembers what it cosigned.
WITNESS_LOGS="$TLOG_VERIFIER_KEY" WITNESS_STATE_FILE="$CACHE/witness-state.json" \
  start_process witness 4060 /health node -r @swc-node/register deploy/local/witness/src/main.ts
# The regulator's breach-report portal: verifies the operator's JWS and answers with a receipt.
start_process regulator-portal 4070 /health node -r @swc-node/register deploy/local/regulator-portal/src/main.ts

urls=()
while read -r name port entry; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  start_process "$name" "$port" /health node -r @swc-node/register "$entry"
  urls+=("$(printf '%-18s http://127.0.0.1:%s  (health: /health, metrics: /metrics)' "$name" "$port")")
done < scripts/services.txt

echo
echo "Local stack is up:"
echo "  PostgreSQL         $DATABASE_URL"
echo "  Kafka (KRaft)      $KAFKA_BROKERS"
echo "  Keycloak (OIDC)    http://127.0.0.1:${KEYCLOAK_PORT:-8180}/realms/bnp  (admin console /admin, admin/admin; users: docs/identity.md)"
for line in "${urls[@]}"; do echo "  $line"; done
echo "  care console       http://127.0.0.1:3010/  (sign in as carol / carol-local-demo, care agent)"
echo "  twilio-stand-in    http://127.0.0.1:4010  (messages: /__admin/messages, stats: /__admin/stats)"
echo "  smtp-sink          smtp://127.0.0.1:1025, mail at http://127.0.0.1:1080"
echo "  monitoring-partner http://127.0.0.1:4020  (enrollments: /__admin/enrollments)"
echo "  operator-bss       http://127.0.0.1:4030  (acknowledged protection commands: /stats)"
echo "  witness            http://127.0.0.1:4060  (C2SP tlog-witness: POST /add-checkpoint)"
echo "  regulator-portal   http://127.0.0.1:4070  (receipts: /api/reports/<report id>)"
echo "Logs: $RUN_DIR/*.log   Stop with: npm stop"
