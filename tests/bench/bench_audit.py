"""The audit trail at 1,000,000 rows on PostgreSQL: audit_verify's rows/s and the
auditor's filtered page (server time p50/p95), in one run.

Targets (issue #3): >= 100,000 rows/s and <= 150 ms p95. The rows are a valid
chain built here and written with COPY (inserting is what the triggers allow).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import machine, setup_django

ROWS = 1_000_000
ACTIONS = ("event.posted", "event.posted", "event.posted", "event.retry_scheduled", "event.failed", "event.blocked")
ENTITIES = ("US01", "US01", "FR01", "DE01")


def build_chain(connection: object) -> tuple[int, str]:
    from console.audit.chain import GENESIS_HASH, canonical_value, chain_hash, row_text

    start = datetime(2026, 1, 1, tzinfo=UTC)
    prev = GENESIS_HASH
    raw = connection.connection  # type: ignore[attr-defined]
    columns = (
        "sequence, occurred_at, actor_type, actor_label, action, object_type, object_id, entity_code, "
        "before, after, reason, correlation_id, prev_hash, hash"
    )
    with raw.cursor() as cursor, cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
        for seq in range(1, ROWS + 1):
            action = ACTIONS[seq % len(ACTIONS)]
            actor = "olivia" if seq % 97 == 0 else "system:post_events"
            fields = {
                "sequence": seq,
                "occurred_at": start + timedelta(seconds=seq * 20, microseconds=seq % 7),
                "actor_type": "user" if actor == "olivia" else "system",
                "actor_label": actor,
                "action": action,
                "object_type": "sync_event",
                "object_id": str(seq // 2),
                "entity_code": ENTITIES[seq % len(ENTITIES)],
                "before": canonical_value({"state": "posting"}),
                "after": canonical_value({"state": action.split(".")[1], "attempts": 1 + seq % 3}),
                "reason": "",
                "correlation_id": f"corr-{seq // 3}",
            }
            digest = chain_hash(prev, row_text(**fields, actor_user_id=None, request_ip=None))
            copy.write_row((*fields.values(), prev, digest))
            prev = digest
    raw.commit()
    return ROWS, prev


def main() -> None:
    setup_django("finops_bench_audit")
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from console.access.roles import ROLE_GROUPS, Role
    from console.access.services import user_create
    from console.audit.actors import Actor
    from console.audit.models import AuditChainHead
    from console.audit.verify import audit_chain_check
    from console.sync.models import LegalEntity

    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)
    for code in ("US01", "FR01", "DE01"):
        LegalEntity.objects.create(code=code, name=code, odoo_company_id=1, currency="USD")

    started = time.perf_counter()
    last_seq, last_hash = build_chain(connection)
    AuditChainHead.objects.update_or_create(id=1, defaults={"last_sequence": last_seq, "last_hash": last_hash})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    print(f"machine: {machine()}")
    print(f"built and copied {ROWS:,} chained rows in {time.perf_counter() - started:.1f} s")

    # The auditor signs in once; user_create's own audit rows extend the chain past the COPY.
    auditor = user_create(
        username="ada",
        password="auditor-bench-pass-1",
        role=Role.AUDITOR,
        entity_codes=["US01", "FR01"],
        actor=Actor.system("bench"),
    )

    started = time.perf_counter()
    check = audit_chain_check()
    seconds = time.perf_counter() - started
    assert check.ok, check.message
    print(
        f"audit_verify: {check.rows_checked:,} rows in {seconds:.1f} s = {check.rows_checked / seconds:,.0f} rows/s "
        "(target >= 100,000 rows/s)"
    )

    client = Client()
    client.force_login(auditor)
    pages = {
        "newest page, no filter": "/audit/",
        "by action": "/audit/?action=event.failed",
        "by entity": "/audit/?entity=FR01",
        "by actor": "/audit/?actor=olivia",
        "by period (a day in March)": "/audit/?since=2026-03-10&until=2026-03-10",
        "by object": "/audit/object/?object_type=sync_event&object_id=250000",
        "action + entity + period": "/audit/?action=event.blocked&entity=US01&since=2026-04-01&until=2026-04-30",
        "deep page (keyset)": "/audit/?entity=US01&before=500000",
        "people's decisions only": "/audit/?people_only=on",
        "people only + entity + a month": "/audit/?people_only=on&entity=US01&since=2026-04-01&until=2026-04-30",
        "by object type": "/audit/?object_type=sync_event",
    }
    for name, url in pages.items():
        assert client.get(url).status_code == 200
        times = []
        for _ in range(30):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"  {name:32s} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  (target p95 <= 150 ms)")


if __name__ == "__main__":
    main()
