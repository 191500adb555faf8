"""The auditor's filter: the object type is chosen from the kinds on the trail, not typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from console.audit.actors import Actor
from console.audit.forms import AuditFilterForm, ObjectHistoryForm
from console.audit.services import AuditEntry, audit_record_many
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds(configured: dict[str, Any]) -> None:
    with transaction.atomic():
        audit_record_many(
            actor=Actor.system("test"),
            entries=[
                AuditEntry("event.failed", "sync_event", "7", "US01"),
                AuditEntry("mapping_change.submitted", "mapping_change", "3", "US01"),
            ],
        )


def test_the_object_type_is_a_select_of_the_kinds_on_record(kinds: None, client: Client) -> None:
    page = login(client, "auditor").get("/audit/")
    form = page.context["form"]
    field = form.fields["object_type"]
    values = [value for value, _ in field.choices]
    assert values[0] == "" and {"sync_event", "mapping_change", "user"} <= set(values[1:])
    html = page.content.decode()
    assert '<select name="object_type"' in html and '<option value="mapping_change">' in html


def test_a_kind_not_on_record_is_the_forms_error(kinds: None, client: Client) -> None:
    response = login(client, "auditor").get("/audit/?object_type=no_such_kind")
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()


def test_choosing_a_kind_narrows_the_rows(kinds: None, client: Client) -> None:
    html = login(client, "auditor").get("/audit/?object_type=mapping_change").content.decode()
    assert "mapping_change 3" in html and "sync_event 7" not in html


def test_the_forms_take_the_kinds_they_are_given() -> None:
    bound = AuditFilterForm({"object_type": "case"}, actions=[], entities=[], object_types=["case", "flow"])
    assert bound.is_valid() and bound.to_filter("UTC").object_type == "case"
    history = ObjectHistoryForm({"object_type": "nope", "object_id": "1"}, object_types=["case"])
    assert not history.is_valid() and "object_type" in history.errors
