"""On PostgreSQL: two auditors pressing "verify the chain now" at the same instant make one
press and one check; the other is refused, under the chain head's row lock."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from console.access.roles import Role
from console.access.services import user_create
from console.audit.actors import Actor
from console.audit.models import AuditEvent, AuditVerification
from console.audit.services import AuditEntry, audit_record_many
from console.audit.tasks import verify_now
from console.audit.verify_now import REQUESTED, VerifyTooSoon, audit_verify_now
from console.sync.models import LegalEntity


@pytest.fixture(autouse=True)
def digests(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_DIGEST_DIR = tmp_path / "audit-digests"
    return Path(settings.AUDIT_DIGEST_DIR)


@pytest.mark.django_db(transaction=True)
def test_two_presses_at_once_make_one_check() -> None:
    from django.contrib.auth.models import Group

    from console.access.roles import ROLE_GROUPS

    for name in ROLE_GROUPS.values():  # a transactional test before this one flushed them
        Group.objects.get_or_create(name=name)
    LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")
    auditors = [
        user_create(
            username=name, password="x-not-used-x", role=Role.AUDITOR, entity_codes=["US01"], actor=Actor.system("t")
        )
        for name in ("ada", "audrey")
    ]
    with transaction.atomic():
        audit_record_many(actor=Actor.system("t"), entries=[AuditEntry("event.posted", "sync_event", "1", "US01")])
    start = threading.Barrier(len(auditors))
    outcomes: list[str] = []
    presses: list[int] = []

    def press(user: Any) -> None:
        try:
            start.wait()
            with transaction.atomic():  # on commit, the message to the worker (sent here as run)
                presses.append(audit_verify_now(user=user, actor=Actor.person(user)).sequence)
            outcomes.append("pressed")
        except VerifyTooSoon:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in auditors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["pressed", "refused"]
    assert AuditEvent.objects.filter(action=REQUESTED).count() == 1
    verify_now(presses[0])  # the worker's part
    assert AuditVerification.objects.get().ok
