"""Hostile input to POST /api/v1/events/: a 400 naming the problem, nothing stored but
the rejection counter; never a 500, never an event the pages or the posting cannot read."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from console.sync.models import BusinessProcess, Flow, IngestRejection, SourceSystem, SyncEvent
from tests.factories import invoice_event, journal_entry_event, with_data
from tests.tables import tables_unchanged

URL = "/api/v1/events/"
BIG = "9999999999999.99"


def post_raw(api: APIClient, raw: bytes | str) -> Any:
    return api.post(URL, data=raw, content_type="application/json")


def refused(send: Callable[[], Any], code: str, needle: str) -> dict[str, Any]:
    """The answer is a 400 with this code naming the problem, and nothing but the counter was written."""
    with tables_unchanged(besides=[IngestRejection]):
        response = send()
    assert response.status_code == 400, response.content
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert needle in error["message"], error
    assert IngestRejection.objects.get(reason=code).count == 1
    return error


def line(**fields: str) -> dict[str, str]:
    return {"description": "x", "quantity": "1", "unit_price": "1.00", **fields}


def test_a_line_product_too_large_for_the_database_is_refused_naming_the_line(api: APIClient) -> None:
    body = with_data(invoice_event(), lines=[line(quantity=BIG, unit_price=BIG)])
    refused(lambda: post_raw(api, json.dumps(body)), "invalid_data", "data.lines[0]: quantity x unit_price")


def test_an_invoice_total_too_large_is_refused_naming_the_lines(api: APIClient) -> None:
    body = with_data(invoice_event(), lines=[line(unit_price=BIG), line(unit_price="0.01")])
    refused(lambda: post_raw(api, json.dumps(body)), "invalid_data", "data.lines: the total of the lines")


def test_a_journal_entry_total_too_large_is_refused(api: APIClient) -> None:
    shopify = SourceSystem.objects.get(code="shopify")
    Flow.objects.create(
        source=shopify, event_kind="journal_entry", name="Journals", business_process=BusinessProcess.RECORD_TO_REPORT
    )
    body = {**journal_entry_event("run-1"), "source": "shopify"}
    body["data"]["lines"] = [{"account_code": "6000", "debit": BIG}] * 2 + [{"account_code": "2100", "credit": BIG}] * 2
    refused(lambda: post_raw(api, json.dumps(body)), "invalid_data", "data.lines: the total debit")


def test_json_nested_deeper_than_the_limit_is_refused(api: APIClient) -> None:
    body = with_data(invoice_event(), reference=[[[[[[[[[["deep"]]]]]]]]]])
    refused(lambda: post_raw(api, json.dumps(body)), "json_too_deep", "nested deeper than 10 levels")


def test_json_nested_past_pythons_recursion_limit_is_refused_not_a_500(api: APIClient) -> None:
    refused(lambda: post_raw(api, "[" * 100_000 + "]" * 100_000), "json_too_deep", "nested deeper than 10 levels")


@pytest.mark.parametrize("digits", [21, 4301, 100_000])
def test_integers_longer_than_the_limit_are_refused(api: APIClient, digits: int) -> None:
    raw = json.dumps(invoice_event()).replace('"unit_price": "100.00"', f'"unit_price": {"9" * digits}')
    refused(lambda: post_raw(api, raw), "number_too_long", "at most 20")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(api: APIClient, constant: str) -> None:
    raw = json.dumps(invoice_event()).replace('"100.00"', constant)
    refused(lambda: post_raw(api, raw), "malformed_json", f"{constant} is not JSON")


def test_duplicate_keys_in_one_object_are_refused(api: APIClient) -> None:
    raw = json.dumps(invoice_event()).replace('"unit_price": "100.00"', '"unit_price": "100.00", "unit_price": "1.00"')
    refused(lambda: post_raw(api, raw), "duplicate_key", "the key unit_price appears twice")


def test_duplicate_top_level_keys_are_refused(api: APIClient) -> None:
    raw = json.dumps(invoice_event())[:-1] + ', "entity": "FR01"}'
    refused(lambda: post_raw(api, raw), "duplicate_key", "the key entity appears twice")


@pytest.mark.parametrize(
    ("occurred_at", "needle"),
    [
        ("0001-01-01T00:00:00+01:00", "outside 1900-01-01 to 2999-12-31 in UTC"),
        ("9999-12-31T23:30:00-05:00", "outside 1900-01-01 to 2999-12-31 in UTC"),
        ("0001-01-01T00:00:00Z", "outside"),
        ("\u0662\u0660\u0662\u0666-\u0661\u0661-\u0662\u0660T10:00:00Z", "is not an ISO 8601 date-time"),
    ],
)
def test_times_outside_the_representable_range_are_refused(api: APIClient, occurred_at: str, needle: str) -> None:
    refused(lambda: post_raw(api, json.dumps(invoice_event(occurred_at=occurred_at))), "invalid_field", needle)


@pytest.mark.parametrize(
    ("raw_fragment", "code", "needle"),
    [
        ('"reference": "a\\ud800b"', "invalid_data", "data.reference: contains a lone surrogate"),
        ('"reference": "a\\u0000b"', "invalid_data", "data.reference: contains a NUL character"),
        ('"reference": "#order-1", "\\udfff": "x"', "invalid_data", "data.'\\udfff': is not a field here"),
    ],
)
def test_text_the_database_cannot_store_is_refused_in_data(
    api: APIClient, raw_fragment: str, code: str, needle: str
) -> None:
    raw = json.dumps(invoice_event()).replace('"reference": "#order-1"', raw_fragment)
    error = refused(lambda: post_raw(api, raw), code, needle)
    json.dumps(error, ensure_ascii=False).encode("utf-8")  # the answer is valid UTF-8


@pytest.mark.parametrize("field", ["source", "external_id", "entity", "correlation_id", "occurred_at"])
def test_a_lone_surrogate_in_an_event_field_is_refused(api: APIClient, field: str) -> None:
    raw = json.dumps({**invoice_event(), field: "PLACEHOLDER"}).replace("PLACEHOLDER", "x\\ud83d")
    refused(lambda: post_raw(api, raw), "invalid_field", f"{field}: contains a lone surrogate")


def test_a_lone_surrogate_in_an_unknown_top_level_key_is_refused(api: APIClient) -> None:
    raw = json.dumps(invoice_event())[:-1] + ', "\\ud800": 1}'
    refused(lambda: post_raw(api, raw), "unknown_field", "unknown field(s): '\\ud800'")


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"colour": "blue"}, "data.colour"),
        ({"partner": {"name": "Blue Harbor", "iban": "DE00"}}, "data.partner.iban"),
        ({"lines": [line(discount="5")]}, "data.lines[0].discount"),
    ],
)
def test_unknown_fields_inside_data_are_refused(api: APIClient, data: dict[str, Any], path: str) -> None:
    refused(
        lambda: post_raw(api, json.dumps(with_data(invoice_event(), **data))), "invalid_data", f"{path}: is not a field"
    )


@pytest.mark.parametrize("number", ["100", "100.0", "1e2"])
def test_json_numbers_are_refused_for_amounts_integers_like_floats(api: APIClient, number: str) -> None:
    raw = json.dumps(invoice_event()).replace('"unit_price": "100.00"', f'"unit_price": {number}')
    refused(
        lambda: post_raw(api, raw),
        "invalid_data",
        'data.lines[0].unit_price: must be a decimal string such as "100.00"',
    )


@pytest.mark.parametrize("digits", ["\u0661\u0660\u0660", "\uff11\uff10\uff10", "\u06f1\u06f0\u06f0.\u06f0\u06f0"])
def test_non_ascii_digits_are_refused(api: APIClient, digits: str) -> None:
    body = with_data(invoice_event(), lines=[line(unit_price=digits)])
    refused(lambda: post_raw(api, json.dumps(body)), "invalid_data", "data.lines[0].unit_price")


@pytest.mark.parametrize("currency", ["XXX", "ABC", "XTS", "HRK"])
def test_currencies_that_are_not_active_iso_4217_codes_are_refused(api: APIClient, currency: str) -> None:
    body = with_data(invoice_event(), currency=currency)
    refused(lambda: post_raw(api, json.dumps(body)), "invalid_data", "data.currency: must be an active ISO 4217")


@pytest.mark.parametrize("currency", ["USD", "EUR", "GBP"])
def test_active_currencies_are_accepted(api: APIClient, currency: str) -> None:
    response = post_raw(api, json.dumps(with_data(invoice_event(), currency=currency)))
    assert response.status_code == 201, response.content
    assert SyncEvent.objects.get().currency == currency


def test_the_largest_amount_that_fits_is_stored_and_read_back(api: APIClient) -> None:
    body = with_data(invoice_event(), lines=[line(unit_price=BIG)])
    response = post_raw(api, json.dumps(body))
    assert response.status_code == 201, response.content
    assert str(SyncEvent.objects.get().amount) == BIG
    assert api.get(f"{URL}{response.json()['event_id']}/").status_code == 200


def test_a_hostile_item_in_a_batch_refuses_the_batch_and_names_its_index(api: APIClient) -> None:
    hostile = with_data(invoice_event("o-2"), lines=[line(quantity=BIG, unit_price=BIG)])
    with tables_unchanged(besides=[IngestRejection]):
        response = post_raw(api, json.dumps({"events": [invoice_event("o-1"), hostile]}))
    assert response.status_code == 400
    [item] = response.json()["error"]["items"]
    assert item["index"] == 1 and "data.lines[0]" in item["message"]
