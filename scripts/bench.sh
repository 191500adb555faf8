#!/usr/bin/env bash
# The benchmarks (not part of `make test`): ingestion throughput, posting
# throughput against an Odoo-like latency and as workers are added
# (bench_scaling), peak memory while draining, the audit trail and the
# workbench at scale and the cost of its markup engine by engine (bench_templates),
# a 100,000-entry bank statement file's import
# (bench_statements), and the 20-minute soak of the demo's own embedded
# configuration at 10x its traffic (bench_soak: SQLite and the filesystem
# broker, not the services below; `--minutes 3` alone for a try).
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

for bench in bench_ingest bench_webhooks bench_posting bench_scaling bench_memory bench_audit bench_casework bench_templates bench_statements bench_metrics bench_soak; do
  echo "== $bench"
  $BIN/python "tests/bench/$bench.py"
done
