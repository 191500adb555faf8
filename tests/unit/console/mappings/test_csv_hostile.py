"""A hostile mapping CSV: every problem named by its line and column, a 400 page, nothing
written, never a 500 (ids out of range, oversized cells, NUL, bytes that are not UTF-8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from console.mappings.models import ChangeRequest
from console.mappings.services.csv_io import parse_csv
from tests.conftest import login
from tests.tables import tables_unchanged

HEADER = b"source_value,odoo_id\n"


@pytest.mark.parametrize(
    ("line", "column", "needle"),
    [
        (b"VAT20,9223372036854775808", "odoo_id", "is not an Odoo id (a whole number from 1 to 2,147,483,647)"),
        (b"VAT20,2147483648", "odoo_id", "is not an Odoo id"),
        (b"VAT20,0", "odoo_id", "is not an Odoo id"),
        (b"VAT20,-1", "odoo_id", "is not an Odoo id"),
        ("VAT20,\u0661\u0662".encode(), "odoo_id", "is not an Odoo id"),  # Arabic-Indic digits
        ("VAT20,\u00b2".encode(), "odoo_id", "is not an Odoo id"),  # isdigit() but not int()
        (b"VAT20," + b"9" * 5000, "odoo_id", "is 5,000 characters long; at most 200"),
        (b"X" * 300 + b",1", "source_value", "is 300 characters long; at most 200"),
        (b"VAT\x0020,1", "source_value", "contains a NUL character"),
        (b"VAT\xed\xa0\x8020,1", "source_value", "holds bytes that are not UTF-8 text"),
    ],
)
def test_a_bad_cell_is_named_by_line_and_column(line: bytes, column: str, needle: str) -> None:
    rows, problems = parse_csv(HEADER + line + b"\n", "tax")
    assert rows == []
    [problem] = problems
    assert (problem.position, problem.field) == (2, column)
    assert needle in problem.message


def test_a_cell_over_the_csv_modules_own_limit_is_a_problem_not_an_error() -> None:
    rows, problems = parse_csv(HEADER + b'VAT20,"' + b"9" * 200_000 + b'"\n', "tax")
    assert rows == [] and problems[0].field == "line" and "cannot be read as CSV" in problems[0].message


def test_a_header_over_the_limit_or_not_utf8_is_named() -> None:
    assert parse_csv(b"source_value,odoo_id," + b"x" * 300 + b"\n", "tax")[1][0].field == "column 3"
    assert "not UTF-8" in parse_csv(b"source_\xffvalue,odoo_id\n", "tax")[1][0].message


def test_good_lines_still_parse_beside_the_limits() -> None:
    rows, problems = parse_csv(HEADER + b"VAT20,2147483647\n", "tax")
    assert problems == [] and rows[0].odoo_id == 2147483647


def test_the_import_page_answers_400_naming_line_and_column(configured: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    data = HEADER + b"VAT20,9223372036854775808\nVAT\x007,1\n" + b"X" * 300 + b",1\n"
    with tables_unchanged():
        page = client.post(
            "/mappings/US01/tax/import/", {"title": "hostile", "file": SimpleUploadedFile("m.csv", data)}
        )
    assert page.status_code == 400
    text = page.content.decode()
    assert "Line 2, odoo_id: &#x27;9223372036854775808&#x27; is not an Odoo id" in text
    assert "Line 3, source_value: contains a NUL character" in text
    assert "Line 4, source_value: is 300 characters long; at most 200" in text
    assert not ChangeRequest.objects.exists()
