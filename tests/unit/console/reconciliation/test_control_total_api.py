"""POST /api/v1/control-totals/: a source's own figures for a flow and UTC day, scoped like its
events, refused with a 4xx naming the problem, a later one replacing the earlier (audited)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from console.audit.models import AuditEvent
from console.reconciliation.models import ControlTotal
from tests.conftest import feed_token
from tests.tables import tables_unchanged
from tests.unit.console.reconciliation.conftest import control_total, today

pytestmark = pytest.mark.django_db


def test_a_control_total_is_recorded_and_audited(token: str) -> None:
    response = control_total(token, count=812, amounts={"USD": "18430.00"})
    assert response.status_code == 201, response.content
    assert response.json()["flow"] == "shopify:customer_invoice" and response.json()["replaced"] == 0
    total = ControlTotal.objects.get()
    assert (total.count, total.amounts, total.sent_by) == (812, {"USD": "18430.00"}, "demo-traffic")
    audit = AuditEvent.objects.get(action="control_total.recorded")
    assert audit.after_data["count"] == 812 and audit.actor_label == "service:demo-traffic"


def test_a_later_total_for_the_same_day_replaces_the_earlier_with_both_in_the_trail(token: str) -> None:
    control_total(token, count=812, amounts={"USD": "18430.00"})
    response = control_total(token, count=809, amounts={"USD": "18400.00", "EUR": "10.00"})
    assert response.status_code == 201 and response.json()["replaced"] == 1
    total = ControlTotal.objects.get()
    assert total.count == 809 and total.amounts == {"EUR": "10.00", "USD": "18400.00"}
    replaced = AuditEvent.objects.get(action="control_total.replaced")
    assert replaced.before_data["count"] == 812 and replaced.after_data["count"] == 809


def test_the_flow_may_be_named_by_its_id(token: str) -> None:
    from tests.unit.console.reconciliation.conftest import shop_flow

    response = control_total(token, flow=shop_flow().pk, count=1, amounts={"USD": "1.00"})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("body", "status", "code", "names"),
    [
        ({"count": "3"}, 400, "invalid_field", "count"),
        ({"count": -1}, 400, "invalid_field", "count"),
        ({"count": True}, 400, "invalid_field", "count"),
        ({"amounts": {"USD": 12.5}}, 400, "invalid_field", "not a JSON number"),
        ({"amounts": {"USD": "12.345"}}, 400, "invalid_field", "amounts.USD"),
        ({"amounts": {"usd": "1.00"}}, 400, "invalid_field", "ISO 4217"),
        ({"amounts": ["USD"]}, 400, "invalid_field", "amounts"),
        ({"day": "2026-13-01"}, 400, "invalid_field", "day"),
        ({"day": "2999-12-31"}, 400, "invalid_field", "future"),
        ({"flow": "shopify:no_such_kind"}, 400, "unknown_flow", "flow"),
        ({"flow": ["shopify"]}, 400, "invalid_field", "flow"),
        ({"entity": "XX99"}, 400, "unknown_entity", "entity"),
        ({"kind": "customer_invoice"}, 400, "invalid_field", "kind"),
        ({"extra": 1}, 400, "unknown_field", "extra"),
    ],
)
def test_bad_input_is_refused_naming_the_problem_and_stores_nothing(
    token: str, body: dict[str, Any], status: int, code: str, names: str
) -> None:
    full = {"count": 1, "amounts": {"USD": "1.00"}, **body}
    with tables_unchanged():
        response = control_total(token, **full)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and names in error["message"]


def test_a_missing_field_is_named(token: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = {"kind": "control_total", "flow": "shopify:customer_invoice", "entity": "US01", "day": str(today())}
    response = client.post("/api/v1/control-totals/", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["message"] == "amounts, count: required"


def test_malformed_json_and_other_media_types_are_refused(token: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/control-totals/", data="{", content_type="application/json").status_code == 400
    assert client.post("/api/v1/control-totals/", data="count=1", content_type="text/plain").status_code == 415


def test_a_token_of_another_entity_is_refused_with_403(configured: dict[str, Any]) -> None:
    from console.sync.models import LegalEntity

    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    fr_token = feed_token("FR01")
    with tables_unchanged():
        response = control_total(fr_token, count=1, amounts={"USD": "1.00"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "entity_not_allowed"


def test_without_a_service_token_nothing_is_recorded(configured: dict[str, Any]) -> None:
    client = APIClient()
    body = {"kind": "control_total", "flow": "shopify:customer_invoice", "entity": "US01", "day": str(today())}
    response = client.post("/api/v1/control-totals/", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (401, 403) and not ControlTotal.objects.exists()
