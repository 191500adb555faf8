#!/usr/bin/env bash
# `make prod-smoke`: the production shape of deploy/, started on this machine and tried.
# PostgreSQL and Redis (scripts/services.sh, on ports of their own), migrations and
# collectstatic with production settings, the Odoo sandbox as Odoo, then gunicorn (2 web
# workers), two Celery workers and one beat started from deploy/systemd/*.service by
# scripts/run_unit.py, as systemd would run them, with an env file standing for
# /etc/finops/env. tests/smoke/prod_smoke.py seeds the configuration, sends 800 invoice
# events over HTTP, kills worker 1 with SIGKILL mid-stream, and checks that every event
# posted exactly once (the API, the database, the sandbox's records). Everything is stopped
# on exit; the logs are kept when it fails.
#
# From the environment: FINOPS_PG_PORT (54339), FINOPS_REDIS_PORT (63809), FINOPS_SERVICES_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=.venv/bin/python
began=$(date +%s)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/finops-prod-smoke.XXXXXX")
export FINOPS_PG_PORT="${FINOPS_PG_PORT:-54339}"
export FINOPS_REDIS_PORT="${FINOPS_REDIS_PORT:-63809}"
# PostgreSQL's own account must reach its data directory: not under the private scratch directory.
export FINOPS_SERVICES_DIR="${FINOPS_SERVICES_DIR:-$ROOT/var/prod-smoke-services}"
ENV_FILE="$scratch/etc/env"
STATE="$scratch/state"
LOG="$scratch/log"
mkdir -p "$scratch/etc" "$STATE" "$LOG"

pids=()
ok=0
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 40); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  scripts/services.sh stop
  if [ "$ok" = 1 ]; then
    rm -rf "$scratch"
  else
    echo "prod-smoke: FAILED; logs kept in $LOG/" >&2
    for f in "$LOG"/*.log; do echo "--- $f" >&2; tail -n 15 "$f" >&2; done
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for_port() {
  for _ in $(seq 150); do
    (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "prod-smoke: nothing answered on port $1" >&2
  return 1
}
start() {  # start NAME COMMAND...: its own session and process group, so a kill takes its children
  local name=$1
  shift
  # Started from a subshell that exits at once: not this shell's job, so killing one is no "Killed" notice.
  ( setsid "$@" >"$LOG/$name.log" 2>&1 & echo $! >"$scratch/$name.pid" )
  pids+=("$(cat "$scratch/$name.pid")")
}
unit() {  # unit NAME UNIT-FILE [INSTANCE]
  local name=$1 file=$2 instance=${3:-}
  start "$name" "$PY" scripts/run_unit.py "deploy/systemd/$file" ${instance:+--instance "$instance"} \
    --env-file "$ENV_FILE" --state-dir "$STATE"
}
with_env() { ( set -a; . "$ENV_FILE"; set +a; exec "$@" ); }

scripts/services.sh start
eval "$(scripts/services.sh env)"
# A database and a Redis database of its own, fresh at each run, whatever else the services hold.
DATABASE_URL="${DATABASE_URL%/*}/finops_prod_smoke"
CELERY_BROKER_URL="${CELERY_BROKER_URL%/*}/3"
$PY - "$DATABASE_URL" <<'PYEOF'
import sys
import psycopg
url = sys.argv[1]
with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
    conn.execute("DROP DATABASE IF EXISTS finops_prod_smoke WITH (FORCE)")
    conn.execute("CREATE DATABASE finops_prod_smoke")
PYEOF
redis-cli -p "$FINOPS_REDIS_PORT" -n 3 flushdb >/dev/null
WEB_PORT=$(free_port)
ODOO_PORT=$(free_port)
# /etc/finops/env of this run: deploy/env.example's production settings on local services,
# and shorter lease and sweeper periods so that the killed worker's events come back in
# seconds rather than the default 5 minutes.
cat >"$ENV_FILE" <<EOF
FINOPS_ENV=production
SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
ALLOWED_HOSTS=127.0.0.1,localhost
DATABASE_URL=$DATABASE_URL
CELERY_BROKER_URL=$CELERY_BROKER_URL
ODOO_URL=http://127.0.0.1:$ODOO_PORT
ODOO_DB=sandbox
ODOO_LOGIN=admin
ODOO_PASSWORD=admin
ODOO_TIMEOUT_SECONDS=10
FINOPS_VAR_DIR=$STATE
AUDIT_DIGEST_DIR=$STATE/audit-digests
STATIC_ROOT=$scratch/static
FINOPS_WEB_BIND=127.0.0.1:$WEB_PORT
FINOPS_WEB_WORKERS=2
FINOPS_WORKER_CONCURRENCY=2
FINOPS_WORKER_LOGLEVEL=WARNING
FINOPS_BEAT_LOGLEVEL=WARNING
LOG_LEVEL=WARNING
POSTING_LEASE_SECONDS=10
SWEEP_INTERVAL_SECONDS=2
SWEEP_STALE_QUEUED_SECONDS=5
EOF

with_env $PY manage.py check --deploy --fail-level WARNING >"$LOG/check.log" 2>&1
with_env $PY manage.py migrate --noinput >"$LOG/migrate.log" 2>&1
with_env $PY manage.py collectstatic --noinput >"$LOG/collectstatic.log" 2>&1
# The sandbox is Odoo, not the console: its own development settings, an Odoo-like latency.
start sandbox env FINOPS_ENV=development FINOPS_VAR_DIR="$scratch/sandbox" $PY manage.py odoo_sandbox \
  --port "$ODOO_PORT" --latency-call-ms 20 --latency-record-ms 10
wait_for_port "$ODOO_PORT"
with_env $PY tests/smoke/prod_smoke.py seed

unit web finops-web.service
unit worker-1 finops-worker@.service 1
worker1=${pids[-1]}
unit worker-2 finops-worker@.service 2
unit beat finops-beat.service
wait_for_port "$WEB_PORT"
echo "prod-smoke: gunicorn on 127.0.0.1:$WEB_PORT, worker-1, worker-2 and beat from deploy/systemd, Odoo sandbox on $ODOO_PORT"
with_env $PY tests/smoke/prod_smoke.py run "http://127.0.0.1:$WEB_PORT" "http://127.0.0.1:$ODOO_PORT" "$worker1"
for name in web worker-2 beat; do
  if grep -E "Traceback|CRITICAL" "$LOG/$name.log" >/dev/null; then
    echo "prod-smoke: $name logged an error" >&2
    exit 1
  fi
done
ok=1
echo "prod-smoke: passed in $(( $(date +%s) - began )) s"
