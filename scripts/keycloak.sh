#!/usr/bin/env bash
# Runs a real Keycloak (the Quarkus distribution from Maven Central) as the local OpenID Provider,
# with its own PostgreSQL database and the realm in deploy/local/keycloak/realm-bnp.json.
# usage: scripts/keycloak.sh start|stop|status
# The distribution and its `kc.sh build` output are cached under .cache/keycloak/<version>; the build
# runs again only when the build options below change. The realm file is the source of truth: when it
# changes, the next start recreates Keycloak's database and imports it again (users made by tests and
# sessions are local, disposable state). See docs/adr/0012-identity-provider.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

POM="$ROOT/deploy/local/keycloak/pom.xml"
REALM_FILE="$ROOT/deploy/local/keycloak/realm-bnp.json"
VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' "$POM")
HOME_DIR="$CACHE/keycloak/$VERSION"
PID="$RUN_DIR/keycloak.pid"
LOG="$RUN_DIR/keycloak.log"
PORT=${KEYCLOAK_PORT:-8180}
MGMT_PORT=${KEYCLOAK_MGMT_PORT:-9180}
DB=${KEYCLOAK_DB:-keycloak}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
# A warm start took 155 s here on 2 cores under a load average of 37 (other work trees); the first one
# also creates the schema and imports the realm (182 s of bootstrap on top), so it gets a longer deadline.
DEADLINE=${KEYCLOAK_START_SECONDS:-300}
FIRST_DEADLINE=${KEYCLOAK_FIRST_START_SECONDS:-600}
# Build-time options (Quarkus re-augmentation). Local cache: no cluster discovery, so two Keycloaks on
# one machine (parallel work trees) never join each other.
BUILD_OPTIONS="--db=postgres --health-enabled=true --cache=local"

fetch_dist() {
  [ -f "$HOME_DIR/.complete" ] && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch Keycloak $VERSION from Maven Central"
  command -v java >/dev/null || die "Java 17+ is needed to run Keycloak"
  log "fetching Keycloak $VERSION (keycloak-quarkus-dist) from Maven Central (once)"
  local unpack="$CACHE/keycloak/unpack"
  rm -rf "$unpack" "$HOME_DIR" && mkdir -p "$unpack"
  mvn -q -B -f "$POM" dependency:unpack -DoutputDirectory="$unpack" >"$RUN_DIR/mvn-keycloak.log" 2>&1 ||
    { tail -20 "$RUN_DIR/mvn-keycloak.log" >&2; die "mvn could not fetch Keycloak $VERSION"; }
  [ -x "$unpack/keycloak-$VERSION/bin/kc.sh" ] || die "the Keycloak $VERSION archive did not unpack into $unpack"
  mv "$unpack/keycloak-$VERSION" "$HOME_DIR"
  rm -rf "$unpack"
  touch "$HOME_DIR/.complete"
}

build_once() {
  local stamp="$HOME_DIR/.built-with"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$BUILD_OPTIONS" ] && return 0
  log "kc.sh build $BUILD_OPTIONS (once per option set; about a minute)"
  # shellcheck disable=SC2086
  "$HOME_DIR/bin/kc.sh" build $BUILD_OPTIONS >"$RUN_DIR/keycloak-build.log" 2>&1 ||
    { tail -30 "$RUN_DIR/keycloak-build.log" >&2; die "kc.sh build failed (log: $RUN_DIR/keycloak-build.log)"; }
  echo "$BUILD_OPTIONS" >"$stamp"
}

# The realm file is imported on start when the realm does not exist yet (--import-realm skips an existing
# realm). When the file changed since the last import, the database is recreated so the change lands.
prepare_realm() {
  local stamp="$CACHE/keycloak/realm-$DB.sha256" want
  want=$(sha256sum "$REALM_FILE" | cut -d' ' -f1)
  mkdir -p "$HOME_DIR/data/import"
  rm -f "$HOME_DIR/data/import/"*.json
  cp "$REALM_FILE" "$HOME_DIR/data/import/realm-bnp.json"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    "$ROOT/scripts/postgres.sh" "$DB"
    return 0
  fi
  DEADLINE=$FIRST_DEADLINE
  if psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    log "realm file changed since the last import: recreating database $DB"
    dropdb -h "$PGHOST" -p "$PGPORT" -U postgres "$DB"
  fi
  "$ROOT/scripts/postgres.sh" "$DB"
  echo "$want" >"$stamp"
}

wait_ready() {
  local started=$SECONDS
  while ((SECONDS - started < DEADLINE)); do
    if curl -fsS "http://127.0.0.1:$MGMT_PORT/health/ready" >/dev/null 2>&1; then
      log "Keycloak ready on http://127.0.0.1:$PORT after $((SECONDS - started)) s"
      return 0
    fi
    if ! pid_alive "$PID"; then
      tail -40 "$LOG" >&2
      die "Keycloak exited during start (log: $LOG)"
    fi
    sleep 1
  done
  tail -40 "$LOG" >&2
  echo "last answer of http://127.0.0.1:$MGMT_PORT/health/ready: $(curl -sS "http://127.0.0.1:$MGMT_PORT/health/ready" 2>&1)" >&2
  die "Keycloak did not become ready within ${DEADLINE}s (log: $LOG)"
}

start() {
  if pid_alive "$PID"; then log "Keycloak already running (pid $(cat "$PID")) on 127.0.0.1:$PORT"; return 0; fi
  if curl -fsS "http://127.0.0.1:$PORT/realms/bnp/.well-known/openid-configuration" >/dev/null 2>&1; then
    log "something already serves realm bnp on 127.0.0.1:$PORT; using it as the identity provider"
    return 0
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "127.0.0.1:$PORT is taken by something that is not Keycloak's realm bnp; set KEYCLOAK_PORT"
  fi
  fetch_dist
  build_once
  prepare_realm
  log "starting Keycloak $VERSION on http://127.0.0.1:$PORT (management :$MGMT_PORT, database $DB)"
  # Local-only bootstrap admin of the master realm; KC_BOOTSTRAP_ADMIN_* from the environment win.
  KC_BOOTSTRAP_ADMIN_USERNAME=${KC_BOOTSTRAP_ADMIN_USERNAME:-admin} \
    KC_BOOTSTRAP_ADMIN_PASSWORD=${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin} \
    KC_DB_PASSWORD=${KEYCLOAK_DB_PASSWORD:-unused-with-trust-auth} \
    JAVA_OPTS_KC_HEAP=${JAVA_OPTS_KC_HEAP:--Xms64m -Xmx512m} \
    nohup "$HOME_DIR/bin/kc.sh" start --optimized \
    --db-url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" --db-username=postgres \
    --http-enabled=true --http-host=127.0.0.1 --http-port="$PORT" \
    --http-management-port="$MGMT_PORT" \
    --hostname="http://127.0.0.1:$PORT" \
    --log-level=INFO,io.smallrye.health:WARN \
    --import-realm >"$LOG" 2>&1 &
  echo $! >"$PID"
  wait_ready
}

stop() {
  if pid_alive "$PID"; then
    log "stopping Keycloak (pid $(cat "$PID"))"
    kill "$(cat "$PID")"
    for _ in $(seq 1 150); do pid_alive "$PID" || break; sleep 0.2; done
    if pid_alive "$PID"; then
      pkill -9 -P "$(cat "$PID")" || true # kc.sh runs java as its child
      kill -9 "$(cat "$PID")"
    fi
  fi
  rm -f "$PID"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) pid_alive "$PID" && echo "keycloak: running (pid $(cat "$PID")) on http://127.0.0.1:$PORT" || echo "keycloak: stopped" ;;
  *) die "usage: scripts/keycloak.sh start|stop|status" ;;
esac
