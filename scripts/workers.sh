#!/usr/bin/env bash
# The embedded default's Celery workers, as `make demo` runs them (scripts/demo.sh):
#   scripts/workers.sh posting   the posting queue, FINOPS_POSTING_CONCURRENCY processes (4)
#   scripts/workers.sh control   webhook deliveries, bulk runs and the periodic tasks (queues webhooks, bulk
#                                and default), with the beat
# Posting has a worker of its own, so a person's bulk run, the sweeper and the
# escalations never wait behind posting messages (the queues: console/settings.py).
# Posting processes mostly wait on Odoo, so there are more of them than cores.
set -euo pipefail
cd "$(dirname "$0")/.."
VAR="${FINOPS_VAR_DIR:-var}"
common=(--loglevel "${FINOPS_WORKER_LOGLEVEL:-INFO}" --without-gossip --without-mingle --without-heartbeat)
case "${1:-}" in
  posting)
    exec .venv/bin/celery -A console worker -Q posting --concurrency "${FINOPS_POSTING_CONCURRENCY:-4}" \
      -n "posting@%h" "${common[@]}" ;;
  control)
    exec .venv/bin/celery -A console worker -Q webhooks,bulk,default --concurrency 2 -n "control@%h" "${common[@]}" \
      -B --schedule "$VAR/celerybeat-schedule" ;;
  *)
    echo "usage: $0 posting|control" >&2
    exit 2 ;;
esac
