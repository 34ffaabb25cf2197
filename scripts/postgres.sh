#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL server on loopback for tests and print its DSN.
#
#   scripts/postgres.sh          # install if missing, init, start, create DB; prints DSN
#   scripts/postgres.sh stop     # stop the server (data dir is kept)
#   scripts/postgres.sh destroy  # stop and delete the data dir
#
# Environment: BACKENDKIT_PG_DIR (default /tmp/backendkit-pg), BACKENDKIT_PG_PORT (55432),
# BACKENDKIT_PG_DB (backendkit_test). Idempotent. Trust auth, bound to 127.0.0.1 only:
# never use this server for anything but tests. Progress goes to stderr, the DSN to stdout.
set -euo pipefail

PG_DIR="${BACKENDKIT_PG_DIR:-/tmp/backendkit-pg}"
PG_PORT="${BACKENDKIT_PG_PORT:-55432}"
PG_DB="${BACKENDKIT_PG_DB:-backendkit_test}"
DATA="$PG_DIR/data"

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_postgres() {
  if find_bindir >/dev/null; then return 0; fi
  if [[ "$(id -u)" != 0 ]]; then
    log "PostgreSQL is not installed and we are not root; install the 'postgresql' package"
    exit 1
  fi
  log "installing Debian package postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
}

# Run a command as the server's owner (postgres when we are root).
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

init_cluster() {
  mkdir -p "$PG_DIR"
  if [[ "$(id -u)" == 0 ]]; then chown postgres:postgres "$PG_DIR"; fi
  if [[ -f "$DATA/PG_VERSION" ]]; then return 0; fi
  log "initdb in $DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-sync >/dev/null
}

start_server() {
  if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    log "already running on port $PG_PORT"
    return 0
  fi
  log "starting on 127.0.0.1:$PG_PORT"
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off" >/dev/null
}

create_database() {
  local psql=("$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAq)
  if [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]]; then
    log "creating database $PG_DB"
    "${psql[@]}" -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
  fi
}

main() {
  local action="${1:-start}"
  install_postgres
  BIN="$(find_bindir)"
  case "$action" in
    start)
      init_cluster
      start_server
      create_database
      echo "postgresql://postgres@127.0.0.1:$PG_PORT/$PG_DB"
      ;;
    stop)
      as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true
      ;;
    destroy)
      as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true
      rm -rf "$PG_DIR"
      ;;
    *)
      log "unknown action $action (start|stop|destroy)"
      exit 2
      ;;
  esac
}

main "$@"
