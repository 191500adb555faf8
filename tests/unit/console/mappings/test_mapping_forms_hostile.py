"""Every form of the mapping editor, posted hostile text: the form's error or the request's,
a 4xx at worst, never a 500. Each example runs in a savepoint rolled back after it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from console.access.models import User
from console.mappings.models import ChangeRequest
from console.mappings.views import FORMS
from tests.conftest import login
from tests.strategies import FORM_TEXT, examples, form_data, posted
from tests.tables import tables_unchanged
from tests.unit.console.mappings.conftest import proposed, sale_tax

pytestmark = pytest.mark.django_db
CHANGE_ACTIONS = ["add_rows", "remove_row", "withdraw", "comment", "submit"]


@pytest.fixture
def draft(configured: dict[str, Any]) -> ChangeRequest:
    return proposed(configured["sandbox"], submit=False)


@examples(40)
@given(data=form_data(["source_value", "target", "title", "effective_at", "valid_from"]))
def test_the_propose_form_never_answers_500(configured: dict[str, Any], data: dict[str, Any]) -> None:
    posted(login(Client(), "operator"), "/mappings/US01/tax/propose/", data)


@examples(40)
@given(data=st.data())
def test_the_change_request_forms_never_answer_500(draft: ChangeRequest, data: Any) -> None:
    action = data.draw(st.sampled_from(CHANGE_ACTIONS))
    fields = ["source_value", "target"] if action == "add_rows" else list(FORMS[action].base_fields)
    posted(login(Client(), "operator"), f"/mappings/changes/{draft.pk}/{action}/", data.draw(form_data(fields)))


@examples(20)
@given(data=st.data())
def test_the_decision_forms_never_answer_500(configured: dict[str, Any], data: Any) -> None:
    submitted = ChangeRequest.objects.first() or proposed(configured["sandbox"])
    action = data.draw(st.sampled_from(["approve", "reject"]))
    posted(login(Client(), "controller"), f"/mappings/changes/{submitted.pk}/{action}/", data.draw(form_data(["note"])))


@examples(40)
@given(title=FORM_TEXT, content=st.one_of(st.binary(max_size=300), FORM_TEXT.map(lambda t: t.encode())))
def test_the_import_form_never_answers_500(configured: dict[str, Any], title: str, content: bytes) -> None:
    upload = SimpleUploadedFile("m.csv", b"source_value,odoo_id\n" + content)
    posted(login(Client(), "operator"), "/mappings/US01/tax/import/", {"title": title, "file": upload})


@examples(25)
@given(query=form_data(["q", "code", "state"]))
def test_the_mapping_pages_read_any_query(configured: dict[str, Any], query: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    for url in ("/mappings/US01/tax/", "/mappings/US01/tax/history/", "/mappings/changes/"):
        assert client.get(url, query).status_code < 500, (url, query)


@pytest.mark.parametrize(
    ("zone", "field", "value"),
    [
        ("America/New_York", "effective_at", "9999-12-31 23:59"),  # year 10000 in UTC
        ("Asia/Tokyo", "valid_from", "0001-01-01 00:00"),  # year 0 in UTC
        ("UTC", "valid_from", "1899-12-31 23:59"),
    ],
)
def test_a_time_whose_utc_leaves_the_years_is_the_forms_error(
    configured: dict[str, Any], zone: str, field: str, value: str
) -> None:
    User.objects.filter(username="olivia").update(time_zone=zone)
    tax = sale_tax(configured["sandbox"])
    data = {"source_value": "VAT20", "target": f"tax:{tax}", "title": "Map VAT20", field: value}
    client = login(Client(), "operator")
    with tables_unchanged():
        response = client.post("/mappings/US01/tax/propose/", data)
    assert response.status_code == 400
    assert "must be between 1900-01-01 and 2999-12-31 (UTC)" in response.content.decode()
