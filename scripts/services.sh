#!/usr/bin/env bash
# Start or stop the PostgreSQL and Redis the integration tests and benchmarks use.
# Private instances on their own ports and data directories under var/, so they
# never touch a system database. Installs the Debian packages when absent.
#   scripts/services.sh install|start|stop|env
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN_DIR="${FINOPS_SERVICES_DIR:-$ROOT/var/services}"
PG_PORT="${FINOPS_PG_PORT:-54329}"
REDIS_PORT="${FINOPS_REDIS_PORT:-63799}"
PG_DIR="$RUN_DIR/pg"
PG_BIN=""

find_pg_bin() {
  local candidate
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && PG_BIN="$candidate"
  done
  [ -n "$PG_BIN" ]
}

as_pg_user() {
  # PostgreSQL refuses to run as root: use the postgres account the package creates.
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install() {
  local missing=()
  find_pg_bin || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  if [ "${FINOPS_E2E:-1}" = "1" ]; then
    command -v chromium >/dev/null || missing+=(chromium)
    command -v chromedriver >/dev/null || missing+=(chromium-driver)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != "0" ]; then
      echo "services.sh: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
      exit 1
    fi
    echo "services.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

start() {
  install
  find_pg_bin
  mkdir -p "$RUN_DIR"
  if [ "$(id -u)" = "0" ]; then chown postgres "$RUN_DIR"; fi
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    rm -rf "$PG_DIR"
    as_pg_user "$PG_BIN/initdb" -D "$PG_DIR" -U finops --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 start \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  fi
  as_pg_user "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U finops -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='finops'" | grep -q 1 \
    || as_pg_user "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U finops finops
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log" --dir "$RUN_DIR"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "services.sh: PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT" >&2
}

stop() {
  if find_pg_bin && [ -f "$PG_DIR/PG_VERSION" ]; then
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null 2>&1 || true
  fi
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

env_lines() {
  echo "export DATABASE_URL=postgres://finops@127.0.0.1:$PG_PORT/finops"
  echo "export CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0"
  echo "export FINOPS_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  env) env_lines ;;
  *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
esac
