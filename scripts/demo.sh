#!/usr/bin/env bash
# Start the console with demo data on embedded defaults: SQLite, Celery's
# filesystem broker, the Odoo sandbox, a worker for posting, a worker for bulk
# runs and the periodic tasks (with the beat), and a traffic generator.
# The terminal shows the URL and the users, then a progress line every 30 s;
# every process logs to var/log/ (the web server's access log too). Ctrl-C stops everything.
#
# From the environment: FINOPS_WEB_PORT (8000), FINOPS_SANDBOX_PORT (8069),
# FINOPS_DEMO_EVENTS_PER_SECOND (4; 0 sends nothing), FINOPS_DEMO_PROGRESS_SECONDS (30),
# FINOPS_VAR_DIR (var), FINOPS_POSTING_CONCURRENCY (4, see scripts/workers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export FINOPS_ENV=development
WEB_PORT="${FINOPS_WEB_PORT:-8000}"
SANDBOX_PORT="${FINOPS_SANDBOX_PORT:-8069}"
RATE="${FINOPS_DEMO_EVENTS_PER_SECOND:-4}"
EVERY="${FINOPS_DEMO_PROGRESS_SECONDS:-30}"
VAR="${FINOPS_VAR_DIR:-var}"
LOG="$VAR/log"
export ODOO_URL="${ODOO_URL:-http://127.0.0.1:$SANDBOX_PORT}"
mkdir -p "$LOG"
pids=()
names=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # A Celery worker finishes the task in hand; one stuck at exit (billiard can hang
  # there when a pool process was killed holding a lock) is killed after 20 s.
  for _ in $(seq 40); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do
    pkill -9 -P "$pid" 2>/dev/null || true  # its pool processes first, while they are still its children
    kill -9 "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() {  # start NAME LOGFILE COMMAND...: in the background, output to the log
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  pids+=($!)
  names+=("$name")
}

wait_for_port() {
  for _ in $(seq 150); do
    (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "demo: nothing answered on port $1 (see $LOG/)" >&2
  return 1
}

$PY manage.py migrate --noinput >"$LOG/migrate.log" 2>&1 || { cat "$LOG/migrate.log" >&2; exit 1; }
start sandbox "$LOG/sandbox.log" \
  $PY manage.py odoo_sandbox --port "$SANDBOX_PORT" --latency-call-ms 20 --latency-record-ms 10
wait_for_port "$SANDBOX_PORT"
$PY manage.py seed_demo >"$LOG/seed.log" 2>&1 || { cat "$LOG/seed.log" >&2; exit 1; }
start worker-posting "$LOG/worker-posting.log" scripts/workers.sh posting
start worker-control "$LOG/worker-control.log" scripts/workers.sh control
start web "$LOG/web.log" $PY manage.py runserver "127.0.0.1:$WEB_PORT" --noreload
wait_for_port "$WEB_PORT"
if [ "$RATE" != "0" ]; then
  start traffic "$LOG/traffic.log" \
    $PY manage.py demo_traffic --url "http://127.0.0.1:$WEB_PORT/api/v1/events/" --per-second "$RATE"
fi

echo
echo "finops-console: http://127.0.0.1:$WEB_PORT"
echo "  sign in as olivia (finance operator), carl (controller), ada (auditor) or ian (integration admin)"
echo "  password finops-demo-pass"
if [ "$RATE" = "0" ]; then traffic="no traffic generator"; else traffic="$RATE events a second from the traffic generator"; fi
echo "  $traffic; logs in $LOG/; Ctrl-C stops everything."
echo
$PY manage.py demo_progress --every "$EVERY" &
pids+=($!)
names+=(progress)

# Stop everything when any process ends, and say which one.
set +e
wait -n "${pids[@]}"
status=$?
for i in "${!pids[@]}"; do
  if ! kill -0 "${pids[$i]}" 2>/dev/null; then
    echo "demo: ${names[$i]} stopped (exit $status); see $LOG/" >&2
  fi
done
exit "$status"
