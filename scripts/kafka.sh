#!/usr/bin/env bash
# Runs a real single-node Apache Kafka (KRaft, combined mode) from the jars Maven Central serves.
# usage: scripts/kafka.sh start|stop|status
# Re-running start is quick and harmless: jars and formatted storage are cached under .cache/kafka.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

POM="$ROOT/deploy/local/kafka/pom.xml"
VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")
HOME_DIR="$CACHE/kafka/$VERSION"
LIBS="$HOME_DIR/libs"
DATA="$CACHE/kafka/data"
PID="$RUN_DIR/kafka.pid"
LOG="$RUN_DIR/kafka.log"
HEAP=${KAFKA_HEAP:-768m}
# A second broker beside the default one (a parallel work tree): KAFKA_PORT=9192 gives 9192 and 9193.
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=$((PORT + 1))

fetch_jars() {
  [ -f "$HOME_DIR/.complete" ] && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch Kafka $VERSION from Maven Central"
  command -v java >/dev/null || die "Java 17+ is needed to run Kafka"
  log "fetching Apache Kafka $VERSION jars from Maven Central (once)"
  rm -rf "$LIBS"
  mvn -q -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$RUN_DIR/mvn.log" 2>&1 ||
    { tail -20 "$RUN_DIR/mvn.log" >&2; die "mvn could not fetch Kafka $VERSION"; }
  touch "$HOME_DIR/.complete"
}

kafka_java() { java -Xms128m -Xmx256m -Dlog4j2.configurationFile="$ROOT/deploy/local/kafka/log4j2.yaml" -cp "$LIBS/*" "$@"; }

format_storage() {
  local props="$HOME_DIR/server.properties"
  sed -e "s:^#\?log.dirs=.*::" -e "s/:9093/:$CONTROLLER_PORT/g" -e "s/:9092/:$PORT/g" \
    "$ROOT/deploy/local/kafka/server.properties" > "$props"
  echo "log.dirs=$DATA" >> "$props"
  [ -f "$DATA/meta.properties" ] && return 0
  log "formatting KRaft storage in $DATA"
  mkdir -p "$DATA"
  local cluster_id
  cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid)
  kafka_java kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$props" >/dev/null
}

start() {
  if pid_alive "$PID"; then log "Kafka already running (pid $(cat "$PID")) on 127.0.0.1:$PORT"; return 0; fi
  if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then
    log "something already listens on 127.0.0.1:$PORT; using it as the broker"
    return 0
  fi
  fetch_jars
  format_storage
  log "starting Kafka $VERSION (KRaft) on 127.0.0.1:$PORT"
  nohup java -Xms256m -Xmx"$HEAP" -XX:+UseG1GC -Dlog4j2.configurationFile="$ROOT/deploy/local/kafka/log4j2.yaml" \
    -cp "$LIBS/*" kafka.Kafka "$HOME_DIR/server.properties" >"$LOG" 2>&1 &
  echo $! > "$PID"
  wait_port 127.0.0.1 "$PORT" 90 Kafka
}

stop() {
  if pid_alive "$PID"; then
    log "stopping Kafka (pid $(cat "$PID"))"
    kill "$(cat "$PID")"
    for _ in $(seq 1 100); do pid_alive "$PID" || break; sleep 0.2; done
    pid_alive "$PID" && kill -9 "$(cat "$PID")"
  fi
  rm -f "$PID"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) pid_alive "$PID" && echo "kafka: running (pid $(cat "$PID"))" || echo "kafka: stopped" ;;
  *) die "usage: scripts/kafka.sh start|stop|status" ;;
esac
