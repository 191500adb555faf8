"""A pay run's canonical journal entry, its draft and its key."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from integrations.canonical import JournalEntry, parse_document
from integrations.payroll.gusto import read_gusto
from integrations.payroll.run import PayLine, PayRun, draft, external_id, journal_data, run_total
from tests.unit.integrations.payroll.payroll_files import PROCESSED, RECEIPT, vector


def test_journal_data_is_the_canonical_journal_entry_with_decimal_strings() -> None:
    run = read_gusto(vector(PROCESSED))[0]

    data = journal_data(run)

    assert data["currency"] == "USD" and data["date"] == "2024-05-31" and data["journal"] == "payroll"
    assert data["lines"][0] == {
        "account_code": "payroll.gross_wages",
        "description": "gross pay (gross_pay)",
        "debit": "27509.23",
        "credit": "0.00",
        "partner": None,
    }
    entry = parse_document("journal_entry", data)
    assert isinstance(entry, JournalEntry)
    assert [(line.account_code, line.debit, line.credit) for line in entry.lines] == [
        (line.account_code, line.debit, line.credit) for line in run.lines
    ]


def test_the_journal_key_is_the_readers_choice() -> None:
    run = read_gusto(vector(PROCESSED), journal="salaries")[0]
    assert journal_data(run)["journal"] == "salaries"


def test_the_draft_occurs_on_the_pay_date_and_is_keyed_by_the_run() -> None:
    run = read_gusto(vector(PROCESSED))[2]

    event = draft(run)

    assert event.kind == "journal_entry"
    assert event.external_id == "payroll-run:92bd09cd-f62f-453d-a7d0-bb0fbc68f578"
    assert event.occurred_at == datetime(2024, 6, 28, tzinfo=UTC)
    assert event.data == journal_data(run)


def test_a_run_and_its_funding_have_their_own_keys() -> None:
    (funding,) = read_gusto(vector(RECEIPT))

    assert external_id("pay_run", "payroll-1") == "payroll-run:payroll-1"
    assert funding.external_id == external_id("funding", "payroll-1") == "payroll-funding:payroll-1"


def test_run_total_is_the_entrys_debit_side_even_when_it_does_not_balance() -> None:
    run = PayRun(
        source="gl_csv",
        kind="pay_run",
        run_id="r",
        pay_date=date(2026, 1, 15),
        currency="USD",
        lines=(
            PayLine("6000", "wages", debit=Decimal("1000.00")),
            PayLine("6100", "employer taxes", debit=Decimal("76.50")),
            PayLine("2100", "net pay", credit=Decimal("900.00")),
        ),
    )

    assert run_total(run) == Decimal("1076.50") == run.total_debit
    assert run.total_credit == Decimal("900.00")
