"""Every form of the workbench, posted hostile text: the form's error or the action's, a
4xx at worst, never a 500. Each example runs in a savepoint rolled back after it, so every
example meets the case as the fixture left it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from console.casework.forms import ACTION_FORMS
from console.casework.models import CaseState, ExceptionCase
from console.casework.resubmit_fields import head_fields, line_fields
from console.casework.services import actions
from console.sync.models import LegalEntity
from tests.conftest import login
from tests.strategies import FORM_TEXT, examples, form_data, posted
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import person
from tests.unit.console.casework.test_resubmit_form import form_data as resubmit_data

LIST_FILTERS = ["entity", "flow", "category", "severity", "state", "assignee", "age", "amount_min", "amount_max"]
LIST_FILTERS += ["q", "ordering", "page"]


def fields(action: str) -> list[str]:
    return list(ACTION_FORMS[action].base_fields)


@pytest.fixture
def waiting_case(blocked_case: ExceptionCase) -> ExceptionCase:
    """The blocked case with a material override waiting for a controller (approve, reject)."""
    LegalEntity.objects.filter(pk=blocked_case.entity_id).update(materiality_threshold="500.00")
    olivia, actor = person("operator")
    actions.case_resubmit(
        user=olivia,
        actor=actor,
        case_id=blocked_case.pk,
        changes={"lines.0.unit_price": "900.00", "lines.0.tax_code": "SALES15"},
        reason="price keyed wrong",
    )
    blocked_case.refresh_from_db()
    assert blocked_case.state == CaseState.WAITING_APPROVAL
    return blocked_case


@examples(60)
@given(data=st.data())
def test_every_operator_action_form_never_answers_500(blocked_case: ExceptionCase, data: Any) -> None:
    action = data.draw(st.sampled_from(sorted(set(ACTION_FORMS) - {"approve", "reject"})))
    client = login(Client(), "operator")
    posted(client, f"/cases/{blocked_case.pk}/{action}/", data.draw(form_data(fields(action))))


@examples(25)
@given(data=st.data())
def test_the_controller_decision_forms_never_answer_500(waiting_case: ExceptionCase, data: Any) -> None:
    action = data.draw(st.sampled_from(["approve", "reject"]))
    client = login(Client(), "controller")
    posted(client, f"/cases/{waiting_case.pk}/{action}/", data.draw(form_data(fields(action))))


@examples(40)
@given(data=form_data(["action", "reason", "assignee", "filter"]))
def test_the_bulk_form_never_answers_500(blocked_case: ExceptionCase, data: dict[str, Any]) -> None:
    posted(login(Client(), "operator"), "/cases/bulk/", data)


@examples(40)
@given(data=form_data(LIST_FILTERS))
def test_the_case_list_filter_never_answers_500(blocked_case: ExceptionCase, data: dict[str, Any]) -> None:
    response = login(Client(), "operator").get("/cases/", data)
    assert response.status_code < 500, (data, response.content[:300])


@examples(25)
@given(query=FORM_TEXT)
def test_the_event_search_never_answers_500(blocked_case: ExceptionCase, query: str) -> None:
    response = login(Client(), "operator").get("/events/", {"q": query})
    assert response.status_code < 500


RESUBMIT_FIELDS = [
    *(f.name for f in head_fields("customer_invoice")),
    "reason",
    *(f"lines-{i}-{name}" for i in (0, 1) for name in [*(f.name for f in line_fields("customer_invoice")), "DELETE"]),
    "lines-TOTAL_FORMS",
    "lines-INITIAL_FORMS",
    "add_line",
]


@examples(60)
@given(data=st.data())
def test_the_resubmit_form_never_answers_500(blocked_case: ExceptionCase, data: Any) -> None:
    valid = resubmit_data(blocked_case, lines={0: {"tax_code": "SALES15"}})
    client = login(Client(), "operator")
    posted(client, f"/cases/{blocked_case.pk}/resubmit/", {**valid, **data.draw(form_data(RESUBMIT_FIELDS))})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lines": {0: {"quantity": "9999999999999.99", "unit_price": "9999999999999.99"}}}, "quantity x unit_price"),
        ({"lines": {0: {"description": "a\u0000b"}}}, "Null characters are not allowed."),
        ({"head": {"partner__name": ""}}, "is required"),
    ],
)
def test_an_override_the_reader_refuses_is_the_forms_error(
    blocked_case: ExceptionCase, change: dict[str, Any], message: str
) -> None:
    client = login(Client(), "operator")
    with tables_unchanged():
        response = client.post(f"/cases/{blocked_case.pk}/resubmit/", resubmit_data(blocked_case, **change))
    assert response.status_code == 400, response.content[:300]
    assert message in response.content.decode()
