#!/usr/bin/env bash
# The whole check, from a fresh clone: install, generated-code check, lint, type-check, unit specs,
# then the local stack (PostgreSQL, Kafka, stand-ins) and the integration and end-to-end specs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=${CI:-true}

ensure_node_modules

log "contracts: generated code matches proto/"
bash scripts/generate.sh --check

log "lint (type-aware, module boundaries) and type-check"
npx nx show projects >/dev/null # builds the project graph the module-boundary rule reads
# Type-aware lint of every project at once needs more than Node's default 4 GB heap.
NODE_OPTIONS="--max-old-space-size=8192 ${NODE_OPTIONS:-}" npx eslint --max-warnings=0 .
npx tsc -p tsconfig.json --noEmit

log "Go's transparency-log tools (the log is verified with code that is not ours)"
scripts/go-tools.sh >/dev/null

log "poppler (the report PDFs are read with pdftotext)"
scripts/pdf-tools.sh

log "care console: Debian's chromium for its Playwright specs, and the built app"
scripts/chromium.sh >/dev/null
npm run --silent build:care-web >/dev/null

log "stack: PostgreSQL, Kafka, Keycloak"
scripts/postgres.sh bnp bnp_test
scripts/kafka.sh start
scripts/keycloak.sh start

results="$RUN_DIR/test-results"
rm -rf "$results" && mkdir -p "$results"
status=0
log "unit specs"
npx jest --ci --json --outputFile="$results/unit.json" || status=$?
log "integration and end-to-end specs (real Kafka and PostgreSQL)"
npx jest --ci -c jest.integration.config.js --json --outputFile="$results/integration.json" || status=$?

node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${file}`, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0); skipped += r.numPendingTests;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results"
exit $status
