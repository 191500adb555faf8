"""Each row links to what it is about: the case, the event, the change request, the mapping."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record_many
from console.audit.templatetags.audit_links import audit_subject
from tests.conftest import login


@pytest.mark.parametrize(
    ("object_type", "object_id", "url"),
    [
        ("case", "12", "/cases/12/"),
        ("sync_event", "7", "/events/7/"),
        ("mapping_change", "3", "/mappings/changes/3/"),
        ("mapping", "tax:US01:VAT 20/x", "/mappings/US01/tax/history/?code=VAT+20%2Fx"),
        ("mapping", "tax:US01", "/mappings/US01/tax/"),
        ("flow", "4", "/flows/4/"),
    ],
)
def test_the_page_of_each_kind(object_type: str, object_id: str, url: str) -> None:
    subject = audit_subject(object_type, object_id)
    assert subject is not None and subject.url == url


@pytest.mark.parametrize(
    ("object_type", "object_id"),
    [
        ("case", "a/b"),
        ("case", "١٢"),  # decimal to Python, not an id of ours
        ("sync_event", ""),
        ("mapping", "tax"),
        ("mapping", "ta/x:US01:A"),
        ("username", "carl"),  # no page: its history only
        ("audit_trail", "1..9"),
    ],
)
def test_no_link_where_there_is_no_page(object_type: str, object_id: str) -> None:
    assert audit_subject(object_type, object_id) is None


@pytest.mark.django_db
def test_rows_link_to_their_subject_and_history(configured: dict[str, Any], client: Client) -> None:
    with transaction.atomic():
        audit_record_many(
            actor=Actor.system("test"),
            entries=[
                AuditEntry("case.assigned", "case", "12", "US01"),
                AuditEntry("event.failed", "sync_event", "7", "US01"),
                AuditEntry("mapping_change.submitted", "mapping_change", "3", "US01"),
            ],
        )
    html = login(client, "auditor").get("/audit/?entity=US01").content.decode()
    assert '<a href="/cases/12/" class="audit-subject">Open case 12</a>' in html
    assert '<a href="/events/7/" class="audit-subject">Open event 7</a>' in html
    assert '<a href="/mappings/changes/3/" class="audit-subject">Open change request 3</a>' in html
    assert "/audit/object/?object_type=case&amp;object_id=12" in html
