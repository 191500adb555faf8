"""Gusto files the reader refuses, each naming the JSON path of what is wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from integrations.payroll.errors import FileRefused
from integrations.payroll.gusto import read_gusto
from tests.unit.integrations.payroll.payroll_files import PAYROLL, PROCESSED, RECEIPT, edited, vector


def refusal(content: bytes) -> FileRefused:
    with pytest.raises(FileRefused) as refused:
        read_gusto(content)
    return refused.value


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        (
            b'{"payroll_uuid": "p1", ',
            "line 1, column 24",
            "is not JSON: Expecting property name enclosed in double quotes",
        ),
        (b"payroll", "line 1, column 1", "is not JSON: Expecting value"),
        (b"\xff\xfe[]", "", "is not UTF-8 text (byte 1 is 0xff)"),
        (b'[{"totals": {"net_pay": NaN}}]', "", "is not JSON we read: NaN is not a number"),
        (b'[{"totals": {"net_pay": Infinity}}]', "", "is not JSON we read: Infinity is not a number"),
        (
            b'{"payroll_uuid": "a", "payroll_uuid": "b"}',
            "",
            "is not JSON we read: the key 'payroll_uuid' is given twice in one object",
        ),
        (b'"a payroll"', "", "is not a Gusto payroll, list of payrolls or payroll receipt"),
        (b'{"company": "Acme"}', "", "is not a Gusto payroll, list of payrolls or payroll receipt"),
        (b"[]", "payrolls", "is empty: the file holds no payroll"),
        (b"[" * 100_000 + b"]" * 100_000, "", "is not a payroll file: nested too deep"),
        (b'["p1"]', "payrolls[0]", "must be an object, not a string"),
    ],
)
def test_what_is_not_a_gusto_payroll_file_is_refused_saying_why(content: bytes, where: str, message: str) -> None:
    refused = refusal(content)
    assert (refused.where, refused.message) == (where, message)


def in_third(key: str, value: Any) -> Callable[[Any], None]:
    def change(payrolls: list[dict[str, Any]]) -> None:
        payrolls.append(dict(payrolls[0], payroll_uuid="third"))
        if value is KeyError:
            del payrolls[2]["totals"][key]
        else:
            payrolls[2]["totals"][key] = value

    return change


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("net_pay", KeyError, "is required"),
        ("net_pay", None, "is required"),
        ("net_pay", "-20832.92", "-20832.92 must not be negative"),
        ("net_pay", "twenty thousand", "'twenty thousand' is not an amount such as 1234.56"),
        ("net_pay", "20,832.92", "'20,832.92' is not an amount such as 1234.56"),
        ("net_pay", " 20832.92", "' 20832.92' is not an amount such as 1234.56"),
        # Full-width digits, which Decimal() would read.
        ("net_pay", "\uff11\uff12.\uff10\uff10", "'\uff11\uff12.\uff10\uff10' is not an amount such as 1234.56"),
        ("net_pay", "20832.925", "20832.925 has more than 2 decimal places: an amount is to the cent, never rounded"),
        ("net_pay", True, 'must be an amount such as "1234.56", not the JSON true'),
        ("net_pay", {"amount": "1.00"}, 'must be an amount such as "1234.56", not an object'),
        ("net_pay", ["1.00"], 'must be an amount such as "1234.56", not a list'),
        ("net_pay", "12345678901234.00", "is too large: at most 13 digits before the decimal point"),
        ("gross_pay", KeyError, "is required"),
        ("employer_taxes", "-1.00", "-1.00 must not be negative"),
        ("benefits", KeyError, "is required"),
        ("company_debit", "1e3", "'1e3' is not an amount such as 1234.56"),
        ("child_support_debit", "-0.01", "-0.01 must not be negative"),
    ],
)
def test_a_wrong_figure_of_the_third_payroll_is_refused_by_its_path(key: str, value: Any, message: str) -> None:
    refused = refusal(edited(PROCESSED, in_third(key, value)))
    assert (refused.where, refused.message) == (f"payrolls[2].totals.{key}", message)


def test_a_json_number_that_is_not_to_the_cent_is_refused_not_rounded() -> None:
    text = vector(PROCESSED).decode().replace('"net_pay": "20832.92"', '"net_pay": 20832.925', 1)

    refused = refusal(text.encode())

    assert refused.where == "payrolls[0].totals.net_pay"
    assert refused.message.startswith("20832.925 has more than 2 decimal places")


def test_a_json_number_to_the_cent_is_read_exactly_as_written() -> None:
    # 0.1 + 0.2 as a binary float is 0.30000000000000004: this reader never makes one.
    text = vector(PROCESSED).decode().replace('"net_pay": "20832.92"', '"net_pay": 20832.92', 1)

    run = read_gusto(text.encode())[0]

    assert run.totals.net_pay == Decimal("20832.92") and str(run.totals.net_pay) == "20832.92"


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda p: p[1].pop("totals"), "payrolls[1].totals", "is required"),
        (lambda p: p[1].update(totals="27509.23"), "payrolls[1].totals", "must be an object, not a string"),
        (lambda p: p[1].pop("payroll_uuid"), "payrolls[1].payroll_uuid", "is required"),
        (lambda p: p[1].update(payroll_uuid=42), "payrolls[1].payroll_uuid", "must be a string, not a JSON number"),
        (
            lambda p: p[1].update(uuid="another"),
            "payrolls[1].uuid",
            "another is not the payroll_uuid cff662d5-7aee-45b4-a13d-e66187c8d16c",
        ),
        (
            lambda p: p[1].update(processed=False),
            "payrolls[1].processed",
            "is false: an unprocessed payroll's totals may still change",
        ),
        (lambda p: p[1].update(processed="yes"), "payrolls[1].processed", "must be true or false, not a string"),
        (lambda p: p[1].pop("check_date"), "payrolls[1].check_date", "is required"),
        (
            lambda p: p[1].update(check_date="06/14/2024"),
            "payrolls[1].check_date",
            "must be a date YYYY-MM-DD, not 06/14/2024",
        ),
        (lambda p: p[1].update(check_date="2024-02-30"), "payrolls[1].check_date", "'2024-02-30' is not a valid date"),
        (
            lambda p: p[1].update(check_date="1066-10-14"),
            "payrolls[1].check_date",
            "1066-10-14 is not between 1900-01-01 and 2999-12-31",
        ),
        (
            lambda p: p[1]["pay_period"].update(end_date="2024-05-01"),
            "payrolls[1].pay_period.end_date",
            "2024-05-01 is before start_date 2024-05-24",
        ),
        (
            lambda p: p[2].update(payroll_uuid=p[0]["payroll_uuid"]),
            "payrolls[2].payroll_uuid",
            "f9e8e415-e51d-49e7-90a9-056286cae39c is payrolls[0]'s too: one run twice",
        ),
        (
            lambda p: p[1].update(payroll_uuid="p\x00"),
            "payrolls[1].payroll_uuid",
            "contains a NUL character",
        ),
    ],
)
def test_a_wrong_field_of_a_payroll_is_refused_by_its_path(
    change: Callable[[list[dict[str, Any]]], None], where: str, message: str
) -> None:
    refused = refusal(edited(PROCESSED, change))
    assert (refused.where, refused.message) == (where, message)


def test_a_single_payrolls_path_starts_at_payroll() -> None:
    def negative(value: dict[str, Any]) -> None:
        value["totals"]["employee_taxes"] = "-6602.30"

    refused = refusal(edited(PAYROLL, negative))

    assert refused.where == "payroll.totals.employee_taxes"
    assert str(refused) == "payroll.totals.employee_taxes: -6602.30 must not be negative"


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda r: r.pop("totals"), "payroll_receipt.totals", "is required"),
        (lambda r: r["totals"].pop("tax_debit"), "payroll_receipt.totals.tax_debit", "is required"),
        (
            lambda r: r["totals"].update(company_debit=-15370.81),
            "payroll_receipt.totals.company_debit",
            "-15370.81 must not be negative",
        ),
        (
            lambda r: r.update(debit_date="Feb 30, 2024"),
            "payroll_receipt.debit_date",
            "'Feb 30, 2024' is not a valid date",
        ),
        (
            lambda r: r.update(debit_date="8.12.2024"),
            "payroll_receipt.debit_date",
            "must be a date YYYY-MM-DD, not 8.12.2024",
        ),
        (lambda r: r.pop("payroll_uuid"), "payroll_receipt.payroll_uuid", "is required"),
        (
            lambda r: r["taxes"][1].update(amount="1,500.00"),
            "payroll_receipt.taxes[1].amount",
            "'1,500.00' is not an amount such as 1234.56",
        ),
        (lambda r: r["taxes"][1].pop("name"), "payroll_receipt.taxes[1].name", "is required"),
        (lambda r: r.update(taxes={"Medicare": "500.00"}), "payroll_receipt.taxes", "must be a list of taxes"),
    ],
)
def test_a_wrong_field_of_a_receipt_is_refused_by_its_path(
    change: Callable[[dict[str, Any]], None], where: str, message: str
) -> None:
    refused = refusal(edited(RECEIPT, lambda value: change(value["payroll_receipt"])))
    assert (refused.where, refused.message) == (where, message)


def test_a_receipt_that_is_not_an_object_is_refused() -> None:
    refused = refusal(json.dumps({"payroll_receipt": ["payroll-1"]}).encode())
    assert (refused.where, refused.message) == ("payroll_receipt", "must be an object, not a list")
