"""The OpenAPI schema at /api/schema/: valid OpenAPI 3, `data` described per kind field by
field as the reader reads it, and 401/403/415 documented on every operation."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from console.sync.api.schema import DATA_BY_KIND, INGEST_REQUEST, PARTNER
from console.sync.models import EventKind
from integrations.canonical import (
    DATA_FIELDS,
    INVOICE_LINE_FIELDS,
    JOURNAL_LINE_FIELDS,
    KINDS,
    PARTNER_FIELDS,
)
from integrations.iso4217 import ACTIVE_CURRENCIES


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    document: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return document


def objects(schema: Any) -> list[dict[str, Any]]:
    """Every object schema inside this one."""
    found = []
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema:
            found.append(schema)
        for value in schema.values():
            found += objects(value)
    elif isinstance(schema, list):
        for value in schema:
            found += objects(value)
    return found


def test_the_schema_is_valid_openapi(openapi: dict[str, Any]) -> None:
    validate_schema(openapi)


def test_every_operation_documents_401_403_and_415(openapi: dict[str, Any]) -> None:
    operations = [(path, method, op) for path, ops in openapi["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 9
    for path, method, op in operations:
        assert {"401", "403", "415"} <= set(op["responses"]), f"{method.upper()} {path}"


def test_the_ingest_body_is_one_event_of_each_kind_or_a_batch(openapi: dict[str, Any]) -> None:
    body = openapi["paths"]["/api/v1/events/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == INGEST_REQUEST
    single, batch = body["oneOf"]
    assert [event["properties"]["kind"]["enum"] for event in single["oneOf"]] == [[kind] for kind in KINDS]
    assert [event["properties"]["data"] for event in single["oneOf"]] == [DATA_BY_KIND[kind] for kind in KINDS]
    assert batch["properties"]["events"]["items"] == single


@pytest.mark.parametrize("kind", KINDS)
def test_data_of_each_kind_holds_every_field_the_reader_reads_and_no_other(kind: str) -> None:
    data = DATA_BY_KIND[kind]
    assert tuple(data["properties"]) == DATA_FIELDS[kind]
    lines = data["properties"].get("lines", {}).get("items")
    if lines is not None:
        expected = JOURNAL_LINE_FIELDS if kind == "journal_entry" else INVOICE_LINE_FIELDS
        assert tuple(lines["properties"]) == expected
    assert tuple(PARTNER["properties"]) == PARTNER_FIELDS
    for obj in objects(data):
        assert obj["additionalProperties"] is False
        assert set(obj["required"]) <= set(obj["properties"])
        for name, field in obj["properties"].items():
            assert "type" in field or "enum" in field, f"{kind}.{name} has no type"
            if field.get("type") == "string" and "enum" not in field and field.get("format") != "date":
                assert "maxLength" in field and "pattern" in field, f"{kind}.{name}"


def test_amounts_are_patterned_decimal_strings_and_currencies_the_active_codes() -> None:
    line = DATA_BY_KIND["customer_invoice"]["properties"]["lines"]["items"]["properties"]
    assert line["unit_price"]["pattern"] == r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$"
    assert line["quantity"]["pattern"] == r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
    assert set(DATA_BY_KIND["payment"]["properties"]["currency"]["enum"]) == ACTIVE_CURRENCIES
    assert "XXX" not in ACTIVE_CURRENCIES and {"USD", "EUR", "GBP"} <= ACTIVE_CURRENCIES


def test_the_event_kinds_stored_are_the_kinds_the_reader_reads() -> None:
    assert [value for value, _ in EventKind.choices] == list(KINDS)
