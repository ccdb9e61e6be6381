#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 and that the project's databases exist.
# usage: scripts/postgres.sh [db-name ...]   (default: bnp)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
  if [ "$PGHOST" = 127.0.0.1 ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -n | tail -1)
    log "PostgreSQL is down; starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || die "could not start PostgreSQL: run 'pg_ctlcluster $version main start' as root"
  else
    die "PostgreSQL does not answer on $PGHOST:$PGPORT; start it (e.g. 'pg_ctlcluster 15 main start') or set PGHOST/PGPORT"
  fi
  for _ in $(seq 1 50); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 0.2; done
  pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL did not come up"
fi

for db in "${@:-bnp}"; do
  if ! psql -d postgres -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
    log "creating database $db"
    createdb "$db"
  fi
done
