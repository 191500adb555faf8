#!/usr/bin/env bash
# Start the console on http://127.0.0.1:8000 with demo data on embedded defaults:
# SQLite, Celery's filesystem broker, the Odoo sandbox on :8069, one worker with
# the periodic sweeper, and a traffic generator. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export FINOPS_ENV=development
export ODOO_URL="${ODOO_URL:-http://127.0.0.1:8069}"
mkdir -p var/log
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for_port() {
  for _ in $(seq 100); do
    (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "demo: nothing answered on port $1" >&2
  return 1
}

$PY manage.py migrate --noinput >/dev/null
$PY manage.py odoo_sandbox --port 8069 --latency-call-ms 20 --latency-record-ms 10 >var/log/sandbox.log 2>&1 &
pids+=($!)
wait_for_port 8069
$PY manage.py seed_demo
.venv/bin/celery -A console worker -B --concurrency 2 --loglevel INFO \
  --schedule var/celerybeat-schedule >var/log/worker.log 2>&1 &
pids+=($!)
(wait_for_port 8000 && $PY manage.py demo_traffic --per-second 4) >var/log/traffic.log 2>&1 &
pids+=($!)
echo
echo "finops-console: http://127.0.0.1:8000  (users olivia, carl, ada, ian; password finops-demo-pass)"
echo "logs in var/log/; Ctrl-C stops the console, the worker, the sandbox and the traffic."
$PY manage.py runserver 127.0.0.1:8000 --noreload
