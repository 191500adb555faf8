"""A statement file's import: each entry once across files, bad entries refused alone, and the
controls (balance, sequence, continuity) holding a statement's lines until it is complete."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.casework.models import ExceptionCase
from console.casework.taxonomy import Category
from console.sources.file_models import BankStatement, StatementFile
from console.sources.services.statement_import import (
    ImportRefused,
    statement_file_import,
    statement_file_preview,
)
from console.sync.models import EventState, LegalEntity, SourceSystem, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.services.posting_holds import posting_hold_release
from integrations.bank.statement import FileRefused, Piece, StatementEnd
from tests.conftest import login
from tests.tables import tables_unchanged
from tests.unit.console.sources.statement_pieces import DAY, entry, statement
from tests.unit.console.sync.test_closed_periods import persona

pytestmark = pytest.mark.django_db


def bring_in(pieces: Iterable[Piece], content: bytes = b"file one") -> StatementFile:
    return statement_file_import(
        source=SourceSystem.objects.get(code="bankfeed"),
        entity=LegalEntity.objects.get(code="US01"),
        name="statement.xml",
        fmt="camt053",
        profile="",
        content=content,
        pieces=list(pieces),
        user=None,
        actor=Actor.system("test"),
    )


def lines() -> list[SyncEvent]:
    return list(SyncEvent.objects.filter(kind="bank_statement_line").order_by("pk"))


def test_a_balanced_statement_posts_each_line_once(configured: dict[str, Any]) -> None:
    file = bring_in(statement(entry("250.00", ref="A1"), entry("-20.00", ref="A2")))
    events_drain()
    assert [(e.external_id, e.state) for e in lines()] == [
        ("123456784321:ref:A1", EventState.POSTED),
        ("123456784321:ref:A2", EventState.POSTED),
    ]
    assert (file.statement_count, file.entry_count, file.new_count, file.known_count) == (1, 2, 2, 0)
    row = BankStatement.objects.get(file=file)
    assert (row.difference, row.problems, row.hold) == (0, [], None)
    payload = lines()[0].payload
    assert payload["statement"] == "#318 of account ...4321" and payload["raw"].startswith("<Ntry>")
    assert AuditEvent.objects.filter(action="statement_file.imported", object_id=str(file.pk)).count() == 1


def test_the_same_file_twice_creates_nothing_the_second_time(configured: dict[str, Any]) -> None:
    pieces = statement(entry("250.00", ref="A1"), entry("-20.00"))
    first = bring_in(pieces)
    again = bring_in(pieces)
    assert len(lines()) == 2
    assert (again.new_count, again.known_count, again.repeat_of) == (0, 2, first)


def test_overlapping_exports_add_only_the_days_not_seen(configured: dict[str, Any]) -> None:
    monday = entry("100.00", remittance="rent", day=DAY)
    tuesday = entry("-40.00", remittance="fee", day=DAY + timedelta(days=1))
    bring_in(statement(monday, tuesday), b"export 1")
    wednesday = entry("75.00", remittance="refund", day=DAY + timedelta(days=2))
    later = bring_in(statement(tuesday, wednesday, opening="1100.00", sequence="319"), b"export 2")
    assert (later.new_count, later.known_count) == (1, 1)
    assert len(lines()) == 3


def test_two_identical_payments_on_one_day_both_post(configured: dict[str, Any]) -> None:
    twice = [entry("-12.50", remittance="coffee"), entry("-12.50", remittance="coffee")]
    file = bring_in(statement(*twice))
    keys = [e.external_id for e in lines()]
    assert file.new_count == 2 and len(set(keys)) == 2 and keys[0].endswith(":1") and keys[1].endswith(":2")
    # ... and the same file again still yields exactly those two
    bring_in(statement(*twice), b"again")
    assert len(lines()) == 2


def test_a_bad_entry_is_refused_alone_naming_where_it_is(configured: dict[str, Any]) -> None:
    euro = entry("10.00", ref="E1", currency="EUR", where="Stmt[1]/Ntry[2]")
    file = bring_in(statement(entry("250.00", ref="A1"), euro, entry("-20.00", ref="A3"), closing="1240.00"))
    assert (file.new_count, file.refused_count) == (2, 1)
    assert file.refusals == [
        {
            "where": "Stmt[1]/Ntry[2]",
            "reason": "entry in EUR on a USD account: foreign currency is not supported yet",
        }
    ]


def test_an_entry_the_canonical_reader_refuses_is_refused_alone_in_the_preview_and_the_import(
    configured: dict[str, Any],
) -> None:
    # The preview checks each entry itself; the import leaves that to the ingestion, and must
    # come to the same: the one entry refused by name, its neighbours of the same batch in.
    nul = entry("10.00", ref="N1", remittance="rent\x00", where="Stmt[1]/Ntry[2]")
    pieces = statement(entry("250.00", ref="A1"), nul, entry("-20.00", ref="A3"))
    figures = statement_file_preview(
        source=SourceSystem.objects.get(code="bankfeed"),
        entity=LegalEntity.objects.get(code="US01"),
        user=None,
        content=b"with a NUL",
        pieces=pieces,
    )
    file = bring_in(pieces, b"with a NUL")
    assert (figures.new, figures.refused) == (file.new_count, file.refused_count) == (2, 1)
    assert figures.refusals == file.refusals
    [refusal] = file.refusals
    assert refusal["where"] == "Stmt[1]/Ntry[2]" and "NUL" in refusal["reason"]
    assert [e.external_id for e in lines()] == ["123456784321:ref:A1", "123456784321:ref:A3"]


def test_an_unbalanced_statement_holds_its_lines_as_cases_naming_the_difference(configured: dict[str, Any]) -> None:
    bring_in(statement(entry("250.00", ref="A1"), entry("-20.00", ref="A2"), closing="795.84"))
    events_drain()
    assert [e.state for e in lines()] == [EventState.BLOCKED, EventState.BLOCKED]
    row = BankStatement.objects.get()
    assert row.problems == ["statement 2026-11-14 #318 of account ...4321 does not balance: difference -434.16 USD"]
    case = ExceptionCase.objects.filter(event=lines()[0]).get()
    assert case.category == Category.HELD_BY_CONTROLS and "difference -434.16 USD" in case.summary

    assert row.hold is not None
    posting_hold_release(hold_id=row.hold.pk, user=persona("operator"), actor=Actor.system("o"), reason="fee booked")
    events_drain()
    assert [e.state for e in lines()] == [EventState.POSTED, EventState.POSTED]


def test_a_complete_copy_of_an_unbalanced_statement_lifts_its_hold(configured: dict[str, Any]) -> None:
    a1, a2 = entry("250.00", ref="A1"), entry("-20.00", ref="A2")
    bring_in(statement(a1, closing="1230.00"), b"cut short")  # A2 missing from the first file
    complete = bring_in(statement(a1, a2), b"complete")
    assert complete.new_count == 1
    events_drain()
    assert [e.state for e in lines()] == [EventState.POSTED, EventState.POSTED]
    held = BankStatement.objects.filter(file__name="statement.xml").order_by("pk").first()
    assert held is not None and held.hold is not None
    assert held.hold.release_reason.startswith("a complete copy of it arrived in file statement.xml")


def test_a_missing_statement_holds_the_next_until_it_arrives(configured: dict[str, Any]) -> None:
    bring_in(statement(entry("100.00", ref="A1"), sequence="318", day=DAY), b"318")
    later_day = DAY + timedelta(days=2)
    bring_in(
        statement(entry("5.00", ref="C1", day=later_day), opening="1150.00", sequence="320", day=later_day), b"320"
    )
    events_drain()
    held = BankStatement.objects.get(sequence="320")
    assert held.problems == [
        "statement 2026-11-16 #320 of account ...4321 follows statement 2026-11-14 #318 of account ...4321: "
        "#319 missing",
        "statement 2026-11-16 #320 of account ...4321 opens at 1,150.00 USD but statement 2026-11-14 #318 of "
        "account ...4321 closed at 1,100.00 USD: difference 50.00 USD",
    ]
    assert SyncEvent.objects.get(external_id__endswith=":ref:C1").state == EventState.BLOCKED

    middle = DAY + timedelta(days=1)
    bring_in(statement(entry("50.00", ref="B1", day=middle), opening="1100.00", sequence="319", day=middle), b"319")
    events_drain()
    assert SyncEvent.objects.get(external_id__endswith=":ref:C1").state == EventState.POSTED
    held.refresh_from_db()
    assert held.hold is not None and held.hold.release_reason.startswith("the statement before it arrived in")


def test_a_preview_stores_nothing_and_counts_what_is_new(configured: dict[str, Any]) -> None:
    bring_in(statement(entry("250.00", ref="A1")), b"first")
    before = (SyncEvent.objects.count(), StatementFile.objects.count(), AuditEvent.objects.count())
    figures = statement_file_preview(
        source=SourceSystem.objects.get(code="bankfeed"),
        entity=LegalEntity.objects.get(code="US01"),
        user=persona("operator"),
        content=b"second",
        pieces=statement(entry("250.00", ref="A1"), entry("-20.00", ref="A2"), closing="1000.00"),
    )
    assert (SyncEvent.objects.count(), StatementFile.objects.count(), AuditEvent.objects.count()) == before
    assert (figures.entries, figures.new, figures.known, figures.refused) == (2, 1, 1, 0)
    assert figures.statements[0].problems == ["does not balance: difference -230.00 USD"]
    assert figures.totals() == {"USD": 230}


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(configured: dict[str, Any], settings: Any) -> None:
    settings.STATEMENT_FILE_MAX_BYTES = 10
    with pytest.raises(ImportRefused, match="over the limit of 10"):
        bring_in(statement(entry("1.00")), b"x" * 11)
    assert StatementFile.objects.count() == 0


@pytest.mark.parametrize("role", ["auditor", "controller"])
def test_who_may_not_import_is_refused_and_nothing_is_stored(configured: dict[str, Any], role: str) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="importing a statement file needs the role"):
        statement_file_import(
            source=SourceSystem.objects.get(code="bankfeed"),
            entity=LegalEntity.objects.get(code="US01"),
            name="s.xml",
            fmt="camt053",
            profile="",
            content=b"file",
            pieces=statement(entry("1.00")),
            user=persona(role),
            actor=Actor.system(role),
        )
    assert StatementFile.objects.count() == 0 and not lines()


def test_entries_the_bank_has_not_booked_are_counted_and_shown_never_imported(
    configured: dict[str, Any], client: Any
) -> None:
    *head_and_entries, end = statement(entry("250.00", ref="B1"))
    assert isinstance(end, StatementEnd)
    pieces = [*head_and_entries, replace(end, not_booked=2)]
    preview = statement_file_preview(
        source=SourceSystem.objects.get(code="bankfeed"),
        entity=LegalEntity.objects.get(code="US01"),
        content=b"file one",
        pieces=list(pieces),
        user=None,
    )
    assert [s.not_booked for s in preview.statements] == [2]
    file = bring_in(pieces)
    row = BankStatement.objects.get(file=file)
    assert (row.entry_count, row.not_booked_count, row.problems) == (1, 2, [])
    assert len(lines()) == 1
    page = login(client, "operator").get(f"/files/{file.pk}/").content.decode()
    assert 'data-figure="not-booked">2 listed by the bank as pending' in page


def test_a_statement_whose_own_iban_does_not_verify_is_refused_by_name_and_leaves_nothing(
    configured: dict[str, Any],
) -> None:
    with tables_unchanged(), pytest.raises(FileRefused, match="Stmt\\[1\\]: the statement's account 'DE8937"):
        bring_in(statement(entry("1.00", ref="A1"), account="DE89370400440532013001"))


def test_an_iban_in_groups_keys_its_entries_like_the_compact_one(configured: dict[str, Any]) -> None:
    bring_in(statement(entry("5.00", ref="A1"), account="de89 3704 0044 0532 0130 00"))
    again = bring_in(statement(entry("5.00", ref="A1"), account="DE89370400440532013000"), content=b"file two")
    assert [e.external_id for e in lines()] == ["DE89370400440532013000:ref:A1"]
    assert again.known_count == 1


def test_a_counterparty_iban_that_does_not_verify_is_kept_with_the_finding_in_its_details(
    configured: dict[str, Any],
) -> None:
    bring_in(statement(entry("5.00", ref="A1", counterparty_account="DE89 3704 0044 0532 0130 01")))
    data = lines()[0].payload
    assert data["counterparty_account"] == "DE89370400440532013001"
    assert "invalid checksum digits" in data["details"]["counterparty account check"]


def test_an_amount_with_more_decimals_than_its_currency_is_refused_alone_never_rounded(
    configured: dict[str, Any],
) -> None:
    file = bring_in(statement(entry("12.345", ref="A1", where="Stmt[1]/Ntry[1]"), entry("5.00", ref="A2")))
    assert [e.external_id for e in lines()] == ["123456784321:ref:A2"]
    assert file.refused_count == 1 and file.refusals[0]["where"] == "Stmt[1]/Ntry[1]"
