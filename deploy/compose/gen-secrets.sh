#!/usr/bin/env bash
# Writes deploy/compose/secrets.env with fresh random keys for the compose stack (development only).
# Refuses to overwrite: data encrypted with the old keys would no longer decrypt.
set -euo pipefail
target="$(cd "$(dirname "$0")" && pwd)/secrets.env"
if [ -e "$target" ]; then
  echo "$target exists; delete it first if you really want new keys (stored PII becomes unreadable)" >&2
  exit 1
fi
umask 077
{
  echo "PII_ENCRYPTION_KEYS=dev1:$(head -c 32 /dev/urandom | base64 -w0)"
  echo "PII_ACTIVE_KEY_ID=dev1"
  echo "PII_BLIND_INDEX_KEY=$(head -c 32 /dev/urandom | base64 -w0)"
  echo "FRAUD_ACTIVATION_CODE_KEY=$(head -c 32 /dev/urandom | base64 -w0)"
  echo "MONITORING_PARTNER_API_KEY="
  echo "NOTIFIER_LOG_HMAC_KEY=$(head -c 32 /dev/urandom | base64 -w0)"
  # Twilio credentials cannot be generated: fill these in from the Twilio console.
  echo "TWILIO_ACCOUNT_SID="
  echo "TWILIO_AUTH_TOKEN="
  echo "TWILIO_FROM="
} >"$target"
echo "wrote $target"
