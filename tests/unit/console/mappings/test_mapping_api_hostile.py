"""Hostile input to the mapping API: a JSON error naming the problem, nothing written,
never an HTML page and never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from console.access.roles import ROLE_GROUPS, Role
from console.access.services import user_create
from console.audit.actors import Actor
from console.mappings.models import ChangeRequest
from tests.conftest import PASSWORD
from tests.unit.console.mappings.test_mapping_api import api

pytestmark = pytest.mark.django_db
URL = "/api/v1/mapping-changes/"


def body(**changes: Any) -> dict[str, Any]:
    return {
        "entity": "US01",
        "title": "Map VAT20",
        "rows": [{"kind": "tax", "source_value": "VAT20", "odoo_id": 1}],
    } | changes


def send(client: APIClient, raw: bytes | str, content_type: str = "application/json", url: str = URL) -> Any:
    return client.generic("POST", url, raw, content_type=content_type)


def json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert not ChangeRequest.objects.exists()
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.fixture
def olivia(sources: dict[str, Any]) -> APIClient:
    """Olivia, operator of US01, with a personal token: no Odoo needed to be refused."""
    from django.contrib.auth.models import Group

    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)
    user_create(
        username="olivia", password=PASSWORD, role=Role.OPERATOR, entity_codes=["US01"], actor=Actor.system("test")
    )
    return api("operator")


@pytest.mark.parametrize(
    ("raw", "code", "needle"),
    [
        ('{"entity": ', "malformed_json", "malformed JSON"),
        ("[" * 100_000 + "]" * 100_000, "json_too_deep", "nested deeper than 10 levels"),
        ('{"entity": "US01", "entity": "FR01"}', "duplicate_key", "the key entity appears twice"),
        ('{"entity": NaN}', "malformed_json", "NaN is not JSON"),
        ('{"entity": "\\ud800"}', "invalid_text", "lone surrogate"),
        ('{"title": 1' + "0" * 30 + "}", "number_too_long", "at most 20"),
    ],
)
def test_a_malformed_or_hostile_body_is_a_json_400(olivia: APIClient, raw: str, code: str, needle: str) -> None:
    error = json_error(send(olivia, raw), 400)
    assert error["code"] == code and needle in error["message"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"colour": "blue"}, "colour"),
        ({"rows": [{"kind": "tax", "source_value": "VAT20", "odoo_id": 1, "rate": "20"}]}, "rows.0.rate"),
        ({"rows": [{"kind": "tax", "source_value": "VAT20", "odoo_id": 2**63}]}, "rows.0.odoo_id"),
        ({"rows": [{"kind": "tax", "source_value": "VAT20", "odoo_id": 2**31}]}, "rows.0.odoo_id"),
        ({"rows": [{"kind": "tax", "source_value": "VAT20", "odoo_id": 0}]}, "rows.0.odoo_id"),
        ({"rows": [{"kind": "tax", "source_value": "VAT20", "odoo_id": -1}]}, "rows.0.odoo_id"),
        ({"rows": [{"kind": "tax", "source_value": "VAT20", "odoo_id": "1; DROP"}]}, "rows.0.odoo_id"),
        ({"rows": "VAT20"}, "rows.non_field_errors"),
        ({"title": ["a"]}, "title"),
        ({"entity": "US\x0001"}, "entity"),
        ({"effective_at": "0001-01-01T00:00:00Z"}, "effective_at"),
        ({"valid_from": "9999-12-31T00:00:00Z"}, "valid_from"),
    ],
)
def test_a_bad_field_is_named_in_a_json_400(olivia: APIClient, changes: dict[str, Any], field: str) -> None:
    error = json_error(send(olivia, json.dumps(body(**changes))), 400)
    assert field in [item["field"] for item in error["items"]], error


def test_a_body_that_is_not_json_is_a_json_415(olivia: APIClient) -> None:
    error = json_error(send(olivia, "entity=US01&title=x", "application/x-www-form-urlencoded"), 415)
    assert error["code"] == "unsupported_media_type"
    listed = olivia.generic("GET", URL, "state=draft", content_type="text/plain")
    assert json_error(listed, 415)["code"] == "unsupported_media_type"


def test_a_body_over_the_limit_is_a_json_413(olivia: APIClient) -> None:
    error = json_error(send(olivia, json.dumps(body(title="x" * (3 * 1024 * 1024)))), 413)
    assert error["code"] == "body_too_large"


@pytest.mark.parametrize(
    "path", ["/api/v1/mapping-changes/abc/", "/api/v1/nothing-here/", "/api/v2/events/", "/api/v1/mappings/x/"]
)
def test_an_unknown_api_address_is_a_json_404(olivia: APIClient, path: str) -> None:
    assert json_error(olivia.get(path), 404)["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/api/v1/mappings/?entity=%00&kind=tax", "/api/v1/mapping-changes/?state=%00", "/api/v1/events/1/?x=%00"]
)
def test_a_nul_in_the_query_is_a_json_400_before_any_query_runs(olivia: APIClient, path: str) -> None:
    assert json_error(olivia.get(path), 400)["code"] == "invalid_address"


def test_a_huge_request_id_is_a_json_404(olivia: APIClient) -> None:
    assert json_error(olivia.get(f"{URL}99999999999999999999/"), 404)["code"] == "not_found"
    response = send(olivia, "{}", url=f"{URL}99999999999999999999/submit/")
    assert json_error(response, 404)["code"] == "not_found"
