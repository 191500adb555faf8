#!/usr/bin/env bash
# Every test: static checks, unit tests on SQLite, then integration and browser
# tests on a real PostgreSQL, Redis, Celery worker, Odoo sandbox and Chromium,
# all started here and stopped after.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export FINOPS_ENV=test
scratch=$(mktemp -d)
export FINOPS_VAR_DIR="$scratch/var"

echo "== static checks"
$BIN/ruff check .
$BIN/ruff format --check .
$BIN/mypy .
$BIN/python manage.py check
$BIN/python manage.py makemigrations --check --dry-run
# Production settings must pass Django's deployment checks without a single warning.
FINOPS_ENV=production SECRET_KEY="$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
  DATABASE_URL="sqlite:///$scratch/deploy.sqlite3" ALLOWED_HOSTS=finops.example.com LOG_LEVEL=WARNING \
  $BIN/python manage.py check --deploy --fail-level WARNING

echo "== unit tests (SQLite)"
$BIN/python -m pytest tests/unit -q -p no:cacheprovider

# The same posting suites once more, with the connector speaking Odoo 19's JSON-2 API to the
# sandbox answering as Odoo 19 (JSON-2 exists from 19 on; README, Odoo connections). About a
# minute and a half.
echo "== the posting suites over JSON-2"
$BIN/python -m pytest -q -p no:cacheprovider --odoo-protocol json2 --odoo-version 19.0 \
  tests/unit/integrations/odoo \
  tests/unit/console/sync/test_posting.py tests/unit/console/sync/test_posting_credit_notes.py \
  tests/unit/console/sync/test_posting_holds.py tests/unit/console/sync/test_posting_isolation.py \
  tests/unit/console/sync/test_posting_linked_partners.py tests/unit/console/sync/test_dispatch.py \
  tests/unit/console/sync/test_closed_periods.py tests/unit/console/sync/test_flow_pause.py \
  tests/unit/console/sync/test_config_connections.py \
  tests/unit/console/casework/test_credit_note_action.py tests/unit/console/casework/test_resubmit_linked_partner.py \
  tests/unit/console/casework/test_unmatched_receipts.py tests/unit/console/casework/test_booked_later.py \
  tests/unit/console/sources/test_statement_import.py tests/unit/integrations/stripe

# The sandbox answers as Odoo 18 above; the posting suite runs once more over XML-RPC as 17 and as 19.
for version in 17.0 19.0; do
  echo "== posting suite against the sandbox as Odoo $version (XML-RPC)"
  $BIN/python -m pytest tests/unit/integrations/odoo tests/unit/console/sync/test_posting*.py \
    -q -p no:cacheprovider --odoo-version "$version"
done

echo "== integration and browser tests (PostgreSQL, Redis, Celery, Chromium)"
scripts/services.sh start
trap 'scripts/services.sh stop; rm -rf "$scratch"' EXIT
eval "$(scripts/services.sh env)"
$BIN/python -m pytest tests/integration -q -p no:cacheprovider

echo "== production shape (make prod-smoke: the deploy/ units on PostgreSQL and Redis, a worker killed)"
# Its own services and settings: none of the integration tests' environment.
env -u DATABASE_URL -u CELERY_BROKER_URL -u FINOPS_REDIS_URL -u FINOPS_ENV -u FINOPS_VAR_DIR scripts/prod_smoke.sh
