"""Gusto's payroll files into pay runs: one payroll object (GET /v1/companies/{id}/payrolls/
{id}), a list of processed payrolls (GET /v1/companies/{id}/payrolls), or a payroll receipt
(GET /v1/payrolls/{id}/receipt, bare or as `{"payroll_receipt": {...}}`).

What the fields mean is Gusto's own word (its OpenAPI text, Payroll-Totals-Type and
Payroll-Receipt): `benefits` is "the total amount of company contributed benefits",
`employee_benefits_deductions` the employees' deducted benefits, `other_deductions` "the
total amount of deductions", `tax_debit` the total tax debit, a receipt's `taxes[].amount`
"the total amount paid by both employer and employee for this tax", an employee's
`net_pay` "gross_pay - employee taxes - employee deductions or garnishments - cash tips"
and `check_amount` "net_pay + reimbursements", and net pay paid by check "is not included
in `net_pay_debit`". So net pay is credited at `net_pay`, whatever part Gusto debited.

A payroll becomes a pay run: its debits gross pay, employer taxes, employer benefits and
reimbursements; its credits net pay, taxes (employee + employer), deductions payable
(employee benefit deductions, company benefit contributions, other deductions, child
support), reimbursements paid with net pay, and cash tips (in gross pay, never paid through
payroll). One line per figure Gusto gives, zero figures left out. A receipt becomes the
run's funding: it debits the liabilities the provider paid (net pay, taxes, reimbursements,
child support) and credits `payroll.company_debit`, the bank account it took the money from.

Gusto pays in US dollars only ("Dollar amounts are represented to the cent"); the runs are USD.
Only a processed payroll is booked: an unprocessed one's totals may still change, and the
prepare endpoint's answer has no totals at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from integrations.canonical import MAX_NAME
from integrations.payroll import categories as cat
from integrations.payroll.errors import FileRefused
from integrations.payroll.json_values import amount, flag, in_range, iso_date, load, obj, text
from integrations.payroll.run import JOURNAL_KEY, ZERO, PayLine, PayRun, RunTotals

CURRENCY = "USD"
# The receipt fixture writes its debit date as the UI shows it ("Dec 8, 2024"); Gusto's
# OpenAPI example writes "2025-06-12". Both are read; month names are English whatever the locale.
_MONTHS = {name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_SPELLED_DATE = re.compile(r"([A-Za-z]{3})[a-z]*\.? ([0-9]{1,2}), ([0-9]{4})")
_RECEIPT_KEYS = ("debit_date", "licensee", "name_of_sender", "name_of_recipient")
_PAYROLL_KEYS = ("payroll_uuid", "uuid", "totals", "check_date")


def read_gusto(content: bytes, *, journal: str = JOURNAL_KEY) -> list[PayRun]:
    """The pay runs (or the funding) of a Gusto file, in file order; FileRefused naming the
    JSON path of the first value that is wrong (`payrolls[2].totals.net_pay: ...`)."""
    value = load(content)
    if isinstance(value, list):
        return _payrolls(value, journal)
    if isinstance(value, dict):
        if "payroll_receipt" in value:
            return [_receipt(value["payroll_receipt"], "payroll_receipt", journal)]
        if any(key in value for key in _RECEIPT_KEYS):
            return [_receipt(value, "receipt", journal)]
        if any(key in value for key in _PAYROLL_KEYS):
            return [_payroll(value, "payroll", journal)]
    raise FileRefused("", "is not a Gusto payroll, list of payrolls or payroll receipt")


def _payrolls(items: list[Any], journal: str) -> list[PayRun]:
    if not items:
        raise FileRefused("payrolls", "is empty: the file holds no payroll")
    runs: list[PayRun] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(items):
        run = _payroll(item, f"payrolls[{index}]", journal)
        if run.run_id in seen:
            raise FileRefused(f"{run.where}.payroll_uuid", f"{run.run_id} is {seen[run.run_id]}'s too: one run twice")
        seen[run.run_id] = run.where
        runs.append(run)
    return runs


def _run_id(payroll: Mapping[str, Any], path: str) -> str:
    # The payroll object gives both `payroll_uuid` and `uuid`, the same; the list only the first.
    run_id = text(payroll, "payroll_uuid", path, required=False)
    other = text(payroll, "uuid", path, required=False)
    if run_id and other and other != run_id:
        raise FileRefused(f"{path}.uuid", f"{other} is not the payroll_uuid {run_id}")
    if not (run_id or other):
        raise FileRefused(f"{path}.payroll_uuid", "is required")
    return run_id or other


def _payroll(value: Any, path: str, journal: str) -> PayRun:
    payroll = obj(value, path)
    run_id = _run_id(payroll, path)
    if flag(payroll, "processed", path) is False:
        raise FileRefused(f"{path}.processed", "is false: an unprocessed payroll's totals may still change")
    check_date = iso_date(payroll, "check_date", path)
    assert check_date is not None
    start = end = None
    if payroll.get("pay_period") is not None:
        period = obj(payroll["pay_period"], f"{path}.pay_period")
        start = iso_date(period, "start_date", f"{path}.pay_period", required=False)
        end = iso_date(period, "end_date", f"{path}.pay_period", required=False)
        if start and end and end < start:
            raise FileRefused(f"{path}.pay_period.end_date", f"{end} is before start_date {start}")
    if payroll.get("totals") is None:
        raise FileRefused(f"{path}.totals", "is required")
    where = f"{path}.totals"
    raw = obj(payroll["totals"], where)

    def figure(key: str, *, required: bool = True) -> Decimal | None:
        return amount(raw, key, where, required=required)

    # The figures the entry is built from are required. Those left out by older API versions
    # count as 0.00: each is one of gross_to_net's, so a missing one shows as its difference.
    totals = RunTotals(
        gross_pay=figure("gross_pay"),
        net_pay=figure("net_pay"),
        employee_taxes=figure("employee_taxes"),
        employer_taxes=figure("employer_taxes"),
        employer_benefits=figure("benefits"),
        employee_benefits_deductions=figure("employee_benefits_deductions"),
        reimbursements=figure("reimbursements"),
        other_deductions=figure("other_deductions", required=False) or ZERO,
        child_support_debit=figure("child_support_debit", required=False) or ZERO,
        employee_cash_tips=figure("employee_cash_tips", required=False) or ZERO,
        company_debit=figure("company_debit", required=False),
        net_pay_debit=figure("net_pay_debit", required=False),
        tax_debit=figure("tax_debit", required=False),
        reimbursement_debit=figure("reimbursement_debit", required=False),
    )
    off_cycle = flag(payroll, "off_cycle", path)
    external = flag(payroll, "external", path)
    reference = f"Gusto payroll {run_id}"
    if start and end:
        reference += f", pay period {start} to {end}"
    if off_cycle:
        reference += ", off-cycle"
    if external:
        reference += ", external (run outside Gusto)"
    return PayRun(
        source="gusto",
        kind="pay_run",
        run_id=run_id,
        pay_date=check_date,
        currency=CURRENCY,
        lines=_pay_run_lines(totals),
        totals=totals,
        period_start=start,
        period_end=end,
        reference=reference[:MAX_NAME],
        where=path,
        journal=journal,
        external=bool(external),
    )


def _pay_run_lines(t: RunTotals) -> tuple[PayLine, ...]:
    debits = (
        (cat.GROSS_WAGES, "gross pay (gross_pay)", t.gross_pay),
        (cat.EMPLOYER_TAXES, "employer taxes (employer_taxes)", t.employer_taxes),
        (cat.EMPLOYER_BENEFITS, "company contributed benefits (benefits)", t.employer_benefits),
        (cat.REIMBURSEMENTS, "reimbursements (reimbursements)", t.reimbursements),
    )
    credits = (
        (cat.NET_PAY, "net pay (net_pay)", t.net_pay),
        (cat.TAX_LIABILITIES, "employee taxes (employee_taxes)", t.employee_taxes),
        (cat.TAX_LIABILITIES, "employer taxes (employer_taxes)", t.employer_taxes),
        (
            cat.DEDUCTIONS_PAYABLE,
            "employee benefit deductions (employee_benefits_deductions)",
            t.employee_benefits_deductions,
        ),
        (cat.DEDUCTIONS_PAYABLE, "company contributed benefits (benefits)", t.employer_benefits),
        (cat.DEDUCTIONS_PAYABLE, "other deductions (other_deductions)", t.other_deductions),
        (cat.DEDUCTIONS_PAYABLE, "child support (child_support_debit)", t.child_support_debit),
        (cat.REIMBURSEMENTS_PAYABLE, "reimbursements paid with net pay (reimbursements)", t.reimbursements),
        (cat.CASH_TIPS, "cash tips, in gross pay and paid in cash (employee_cash_tips)", t.employee_cash_tips),
    )
    lines = [PayLine(code, description, debit=figure) for code, description, figure in debits if figure]
    lines += [PayLine(code, description, credit=figure) for code, description, figure in credits if figure]
    return tuple(lines)


def _receipt(value: Any, path: str, journal: str) -> PayRun:
    receipt = obj(value, path)
    run_id = text(receipt, "payroll_uuid", path)
    debit_date = _debit_date(receipt, path)
    if receipt.get("totals") is None:
        raise FileRefused(f"{path}.totals", "is required")
    where = f"{path}.totals"
    raw = obj(receipt["totals"], where)
    taxes_listed = _taxes_listed(receipt.get("taxes"), f"{path}.taxes")
    totals = RunTotals(
        company_debit=amount(raw, "company_debit", where),
        net_pay_debit=amount(raw, "net_pay_debit", where),
        tax_debit=amount(raw, "tax_debit", where),
        reimbursement_debit=amount(raw, "reimbursement_debit", where),
        child_support_debit=amount(raw, "child_support_debit", where),
        taxes_listed=taxes_listed,
    )
    debits = (
        (cat.NET_PAY, "net pay debited (net_pay_debit)", totals.net_pay_debit),
        (cat.TAX_LIABILITIES, "taxes debited (tax_debit)", totals.tax_debit),
        (cat.REIMBURSEMENTS_PAYABLE, "reimbursements debited (reimbursement_debit)", totals.reimbursement_debit),
        (cat.DEDUCTIONS_PAYABLE, "child support debited (child_support_debit)", totals.child_support_debit),
    )
    lines = [PayLine(code, description, debit=figure) for code, description, figure in debits if figure]
    if totals.company_debit:
        lines.append(PayLine(cat.COMPANY_DEBIT, "company debit (company_debit)", credit=totals.company_debit))
    return PayRun(
        source="gusto",
        kind="funding",
        run_id=run_id,
        pay_date=debit_date,
        currency=CURRENCY,
        lines=tuple(lines),
        totals=totals,
        reference=f"Gusto payroll receipt {run_id}, debited {debit_date}"[:MAX_NAME],
        where=path,
        journal=journal,
    )


def _debit_date(receipt: Mapping[str, Any], path: str) -> date:
    where = f"{path}.debit_date"
    value = receipt.get("debit_date")
    if isinstance(value, str):
        match = _SPELLED_DATE.fullmatch(value.strip())
        if match is not None and match.group(1).lower() in _MONTHS:
            month, day, year = _MONTHS[match.group(1).lower()], int(match.group(2)), int(match.group(3))
            try:
                spelled = date(year, month, day)
            except ValueError:
                raise FileRefused(where, f"{value!r} is not a valid date") from None
            return in_range(spelled, where)
    day_read = iso_date(receipt, "debit_date", path)
    assert day_read is not None
    return day_read


def _taxes_listed(value: Any, path: str) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise FileRefused(path, "must be a list of taxes")
    total = ZERO
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        tax = obj(item, where)
        text(tax, "name", where, limit=MAX_NAME)
        figure = amount(tax, "amount", where)
        assert figure is not None
        total += figure
    return total
