# Shared helpers for the stack scripts. Sourced, not run.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${BNP_CACHE_DIR:-$ROOT/.cache}
RUN_DIR=${BNP_RUN_DIR:-$ROOT/.run}
mkdir -p "$CACHE" "$RUN_DIR"

log() { printf '\033[1;34m[bnp]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[bnp] %s\033[0m\n' "$*" >&2; exit 1; }

# Installs node_modules from the lockfile when they are missing or older than the lockfile.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.bnp-lock-sha"
  local want
  want=$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing npm packages from package-lock.json"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    echo "$want" > "$stamp"
  fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits until a TCP port accepts connections. usage: wait_port host port seconds name
wait_port() {
  local host=$1 port=$2 secs=$3 name=$4 i
  for ((i = 0; i < secs * 5; i++)); do
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
    sleep 0.2
  done
  die "$name did not open $host:$port within ${secs}s"
}

# Stops what scripts/start.sh started, except Kafka and Keycloak: services leave their consumer groups and commit.
stop_services() {
  local pidfile name
  for pidfile in "$RUN_DIR"/*.pid; do
    [ -e "$pidfile" ] || continue
    name=$(basename "$pidfile" .pid)
    [ "$name" = kafka ] && continue
    [ "$name" = keycloak ] && continue # scripts/keycloak.sh stop
    if pid_alive "$pidfile"; then
      log "stopping $name"
      kill -TERM "$(cat "$pidfile")"
      for _ in $(seq 1 100); do pid_alive "$pidfile" || break; sleep 0.2; done
      pid_alive "$pidfile" && kill -9 "$(cat "$pidfile")"
    fi
    rm -f "$pidfile"
  done
}
