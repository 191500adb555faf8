#!/usr/bin/env bash
# The benchmarks (not part of `make test`): ingestion throughput, posting
# throughput against an Odoo-like latency, and peak memory while draining.
# PostgreSQL and Redis are started here (scripts/services.sh) and stopped after;
# each benchmark starts its own Odoo sandbox, Celery worker and web process.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export FINOPS_ENV=test
scratch=$(mktemp -d)
export FINOPS_VAR_DIR="$scratch/var"
mkdir -p "$FINOPS_VAR_DIR"

scripts/services.sh start
trap 'scripts/services.sh stop; rm -rf "$scratch"' EXIT
eval "$(scripts/services.sh env)"

for bench in bench_ingest bench_posting bench_memory bench_audit bench_casework; do
  echo "== $bench"
  $BIN/python "tests/bench/$bench.py"
done
