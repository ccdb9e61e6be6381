#!/usr/bin/env bash
# npm run demo: the local stack (as npm start), then the sample incident end to end.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/start.sh
set -a
. "$ROOT/deploy/local/local.env"
# shellcheck disable=SC1091
. "$CACHE/dev-secrets.env"
set +a
node -r @swc-node/register scripts/demo.ts "$@"
