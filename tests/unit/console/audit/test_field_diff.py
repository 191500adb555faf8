"""Before → after as the fields that changed: dotted paths, unchanged left out, escaped on the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from console.audit.actors import Actor
from console.audit.field_diff import FieldChange, field_changes
from console.audit.services import AuditEntry, audit_record_many
from tests.conftest import login


def test_nested_fields_by_dotted_path_and_unchanged_left_out() -> None:
    before = {"state": "posting", "partner": {"name": "Acme", "vat": "FR1"}, "same": 1}
    after = {"state": "failed", "partner": {"name": "Acme SA", "vat": "FR1"}, "same": 1}
    assert field_changes(before, after) == [
        FieldChange("partner.name", "Acme", "Acme SA"),
        FieldChange("state", "posting", "failed"),
    ]


def test_absent_is_not_null_and_types_differ() -> None:
    assert field_changes({"a": 1, "b": None}, {"a": True, "c": [1, 2]}) == [
        FieldChange("a", "1", "true"),
        FieldChange("b", "null", None),
        FieldChange("c", None, "[1, 2]"),
    ]
    assert field_changes({"a": "1"}, {"a": 1}) == [FieldChange("a", "1", "1")]


def test_nothing_before_or_after() -> None:
    assert field_changes(None, {"state": "posted"}) == [FieldChange("state", None, "posted")]
    assert field_changes({"state": "posted"}, None) == [FieldChange("state", "posted", None)]
    assert field_changes(None, None) == []
    assert field_changes("x", "y") == [FieldChange("(value)", "x", "y")]


@pytest.mark.django_db
def test_the_page_shows_the_diff_escaped_not_json(configured: dict[str, Any], client: Client) -> None:
    with transaction.atomic():
        audit_record_many(
            actor=Actor.system("test"),
            entries=[
                AuditEntry(
                    "event.failed",
                    "sync_event",
                    "7",
                    "US01",
                    {"state": "posting", "partner": {"name": "Acme"}, "kept": "same"},
                    {"state": "failed", "partner": {"name": "<script>alert('x')</script>"}, "kept": "same"},
                )
            ],
        )
    html = login(client, "auditor").get("/audit/?object_type=sync_event").content.decode()
    assert '<th scope="row"><code>partner.name</code></th><td>Acme</td>' in html
    assert "<td>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</td>" in html
    assert "<script>alert" not in html
    assert "<code>kept</code>" not in html  # unchanged
    assert '{"state"' not in html and "&quot;state&quot;" not in html  # no raw JSON
