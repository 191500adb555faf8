"""Ingestion throughput through the batch API on PostgreSQL, against a bare bulk INSERT.

Run by `make bench` (PostgreSQL and Redis started by scripts/services.sh). Prints
events/s through POST /api/v1/events/ (full Django + DRF stack, validation,
idempotency claim, duplicate detection and the Celery messages to Redis) and
rows/s of a bare `INSERT ... ON CONFLICT DO NOTHING` of the same rows in
batches of 1000, in the same process and database, and their ratio.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import ingest_config, machine, setup_django

EVENTS = 20_000
BATCH = 1000


def main() -> None:
    setup_django("finops_bench_ingest")
    from django.db import connection
    from django.test import Client

    from tests.factories import invoice_event

    token = ingest_config()["token"]
    bodies = [
        json.dumps({"events": [invoice_event(f"bench-{i:07d}") for i in range(start, start + BATCH)]})
        for start in range(0, EVENTS, BATCH)
    ]
    client = Client()
    # Warm-up: imports, connection, caches.
    warm = json.dumps({"events": [invoice_event(f"warm-{i}") for i in range(100)]})
    assert (
        client.post(
            "/api/v1/events/", warm, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
        ).status_code
        == 201
    )

    started = time.perf_counter()
    for body in bodies:
        response = client.post(
            "/api/v1/events/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
        )
        assert response.status_code == 201, response.content[:300]
    api_seconds = time.perf_counter() - started
    api_rate = EVENTS / api_seconds

    # Baselines: the same rows, already validated and serialised, written bare.
    rows = _stored_rows(connection)
    bare = {
        "INSERT ... ON CONFLICT, one multi-row VALUES statement per 1000": _bare_values(connection, rows),
        "INSERT ... ON CONFLICT, executemany pipelined per 1000": _bare_executemany(connection, rows),
        "COPY per 1000 (no conflict handling)": _bare_copy(connection, rows),
    }
    best_insert = max(v for k, v in bare.items() if k.startswith("INSERT"))

    print(f"machine: {machine()}")
    print(f"ingestion API (batches of {BATCH}): {EVENTS} events in {api_seconds:.2f} s = {api_rate:,.0f} events/s")
    for name, rate in bare.items():
        print(f"bare {name}: {rate:,.0f} rows/s (API = {api_rate / rate:.0%} of it)")
    print(f"ratio API / fastest bare INSERT ... ON CONFLICT: {api_rate / best_insert:.0%} (target >= 30%)")


SELECT_STORED = (
    "SELECT source_id, flow_id, entity_id, kind, external_id, correlation_id, occurred_at, received_at, "
    "payload::text, payload_hash, amount, currency, ingested_by_id, state, state_changed_at, enqueued_at, "
    "attempt_count, reason_code, reason_message, blocked_on, odoo_model, odoo_name, mapping_versions::text "
    "FROM sync_syncevent WHERE external_id LIKE 'bench-%%' ORDER BY id"
)
COLUMNS = (
    "id, source_id, flow_id, entity_id, kind, external_id, correlation_id, occurred_at, received_at, payload, "
    "payload_hash, amount, currency, ingested_by_id, state, state_changed_at, enqueued_at, attempt_count, "
    "reason_code, reason_message, blocked_on, odoo_model, odoo_name, mapping_versions"
)
ONE_ROW = "(nextval('bench_seq'), " + ", ".join(["%s"] * 8) + ", %s::jsonb, " + ", ".join(["%s"] * 13) + ", %s::jsonb)"


def _stored_rows(connection: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(SELECT_STORED)
        return list(cursor.fetchall())


def _fresh_table(raw: Any) -> None:
    # Same columns, indexes and constraints as sync_syncevent.
    raw.execute("DROP TABLE IF EXISTS bench_bare")
    raw.execute("CREATE TABLE bench_bare (LIKE sync_syncevent INCLUDING ALL)")
    raw.execute("DROP SEQUENCE IF EXISTS bench_seq")
    raw.execute("CREATE SEQUENCE bench_seq")


def _timed(connection: Any, rows: list[tuple[Any, ...]], write: Any) -> float:
    raw = connection.connection
    with raw.cursor() as cursor:
        _fresh_table(cursor)
        raw.commit()
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            write(cursor, rows[start : start + BATCH])
            raw.commit()
        return len(rows) / (time.perf_counter() - started)


def _bare_values(connection: Any, rows: list[tuple[Any, ...]]) -> float:
    def write(cursor: Any, chunk: list[tuple[Any, ...]]) -> None:
        sql = (
            f"INSERT INTO bench_bare ({COLUMNS}) VALUES {', '.join([ONE_ROW] * len(chunk))} "
            "ON CONFLICT (source_id, kind, external_id) DO NOTHING"
        )
        cursor.execute(sql, [value for row in chunk for value in row])

    return _timed(connection, rows, write)


def _bare_executemany(connection: Any, rows: list[tuple[Any, ...]]) -> float:
    sql = f"INSERT INTO bench_bare ({COLUMNS}) VALUES {ONE_ROW} ON CONFLICT (source_id, kind, external_id) DO NOTHING"

    def write(cursor: Any, chunk: list[tuple[Any, ...]]) -> None:
        cursor.executemany(sql, chunk)

    return _timed(connection, rows, write)


def _bare_copy(connection: Any, rows: list[tuple[Any, ...]]) -> float:
    columns = COLUMNS.replace("id, ", "", 1)

    def write(cursor: Any, chunk: list[tuple[Any, ...]]) -> None:
        with cursor.copy(f"COPY bench_bare ({columns}) FROM STDIN") as copy:
            for row in chunk:
                copy.write_row(row)

    return _timed(connection, rows, write)


if __name__ == "__main__":
    main()
