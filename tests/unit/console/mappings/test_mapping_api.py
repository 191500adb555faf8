"""The mapping change workflow over REST with personal API tokens: the same rules as the browser."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from console.access.models import User
from console.access.services import personal_token_create
from console.audit.actors import Actor
from console.casework.models import CaseState, ExceptionCase
from console.mappings.models import ChangeOrigin, ChangeRequest, ChangeState
from console.sync.services.drain import events_drain
from tests.conftest import PERSONAS
from tests.tables import tables_unchanged
from tests.unit.console.mappings.conftest import sale_tax

pytestmark = pytest.mark.django_db


def api(role: str) -> APIClient:
    user = User.objects.get(username=PERSONAS[role])
    issued = personal_token_create(user=user, actor=Actor.person(user))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")
    return client


def _create(client: APIClient, tax: int, code: str = "VAT20") -> Any:
    body = {"entity": "US01", "title": f"Map {code}", "rows": [{"kind": "tax", "source_value": code, "odoo_id": tax}]}
    return client.post("/api/v1/mapping-changes/", body, format="json")


def test_propose_submit_and_approve_through_the_api(blocked_case: ExceptionCase, configured: dict[str, Any]) -> None:
    olivia, carl = api("operator"), api("controller")
    created = _create(olivia, sale_tax(configured["sandbox"]))
    assert created.status_code == 201, created.content
    change = created.json()
    assert change["state"] == "draft" and change["requested_by"] == "olivia"
    assert change["rows"][0]["before"] == "not mapped" and "15% (sale)" in change["rows"][0]["after"]
    assert ChangeRequest.objects.get(pk=change["id"]).origin == ChangeOrigin.API

    assert olivia.post(f"/api/v1/mapping-changes/{change['id']}/submit/", {}, format="json").status_code == 200
    assert ChangeRequest.objects.get(pk=change["id"]).state == ChangeState.SUBMITTED
    with tables_unchanged():
        refused = olivia.post(f"/api/v1/mapping-changes/{change['id']}/approve/", {}, format="json")
    assert refused.status_code == 403, refused.content

    approved = carl.post(f"/api/v1/mapping-changes/{change['id']}/approve/", {"note": "ok"}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "applied" and approved.json()["decided_by"] == "carl"
    events_drain()
    assert ExceptionCase.objects.get(pk=blocked_case.pk).state == CaseState.RESOLVED

    listed = olivia.get("/api/v1/mappings/", {"entity": "US01", "kind": "tax"}).json()
    assert "VAT20" in {m["source_value"] for m in listed}
    assert [c["id"] for c in olivia.get("/api/v1/mapping-changes/", {"state": "applied"}).json()] == [change["id"]]


def test_a_controller_cannot_approve_their_own_through_the_api(configured: dict[str, Any]) -> None:
    carl = api("controller")
    change = _create(carl, sale_tax(configured["sandbox"])).json()
    carl.post(f"/api/v1/mapping-changes/{change['id']}/submit/", {}, format="json")
    assert ChangeRequest.objects.get(pk=change["id"]).state == ChangeState.SUBMITTED
    for step in ("approve", "reject"):
        with tables_unchanged():
            response = carl.post(f"/api/v1/mapping-changes/{change['id']}/{step}/", {"note": "x"}, format="json")
        assert response.status_code == 403 and "another controller" in response.json()["error"]["message"]


def test_bad_rows_are_named_and_nothing_is_written(configured: dict[str, Any]) -> None:
    body = {
        "entity": "US01",
        "title": "two bad",
        "rows": [
            {"kind": "tax", "source_value": "VAT20", "odoo_id": 999999},
            {"kind": "tax", "source_value": "SALES15", "odoo_id": None, "op": "add"},
        ],
    }
    olivia = api("operator")
    with tables_unchanged():
        response = olivia.post("/api/v1/mapping-changes/", body, format="json")
        typed = olivia.post(
            "/api/v1/mapping-changes/",
            {"entity": "US01", "title": "t", "rows": [{"kind": "colour", "source_value": "x", "odoo_id": "one"}]},
            format="json",
        )
    assert response.status_code == 400
    items = response.json()["error"]["items"]
    assert [(i["row"], i["field"]) for i in items] == [(1, "odoo_id"), (2, "op")]
    assert typed.status_code == 400
    assert {i["field"] for i in typed.json()["error"]["items"]} == {"rows.0.kind", "rows.0.odoo_id"}


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_roles_that_do_not_propose_are_refused(configured: dict[str, Any], role: str) -> None:
    client, tax = api(role), sale_tax(configured["sandbox"])
    with tables_unchanged():
        response = _create(client, tax)
    assert response.status_code == 403


def test_service_tokens_and_anonymous_callers_get_nothing(configured: dict[str, Any]) -> None:
    service = APIClient()
    service.credentials(HTTP_AUTHORIZATION=f"Token {configured['token']}")
    assert service.get("/api/v1/mappings/", {"entity": "US01", "kind": "tax"}).status_code in (401, 403)
    assert APIClient().get("/api/v1/mapping-changes/").status_code in (401, 403)


def test_an_entity_not_granted_is_not_found(configured: dict[str, Any]) -> None:
    from console.sync.models import LegalEntity

    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    client = api("operator")
    granted_elsewhere = client.get("/api/v1/mappings/", {"entity": "FR01", "kind": "tax"})
    unknown = client.get("/api/v1/mappings/", {"entity": "ZZ99", "kind": "tax"})
    # An entity that exists but is not granted answers as one that does not exist: nothing leaks.
    assert granted_elsewhere.status_code == unknown.status_code == 404
    said = [
        r.json()["error"]["message"].replace(code, "X") for r, code in ((granted_elsewhere, "FR01"), (unknown, "ZZ99"))
    ]
    assert said[0] == said[1]


def test_the_workflow_is_in_the_openapi_schema(configured: dict[str, Any]) -> None:
    schema = api("operator").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/v1/mappings/",
        "/api/v1/mapping-changes/",
        "/api/v1/mapping-changes/{request_id}/",
        "/api/v1/mapping-changes/{request_id}/submit/",
        "/api/v1/mapping-changes/{request_id}/approve/",
        "/api/v1/mapping-changes/{request_id}/reject/",
    ):
        assert path in schema["paths"], path
    assert "personalToken" in str(schema["paths"]["/api/v1/mapping-changes/"]["post"]["security"])
