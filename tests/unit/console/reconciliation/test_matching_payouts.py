"""Stripe payouts against bank statement lines under the demo's rule: by reference, by amount
within the window, one bank line for one payout, a case once the window has passed, resolved
by the bank line that arrives later."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from console.audit.models import AuditEvent
from console.casework.models import ActivityKind, CaseState, ExceptionCase
from console.reconciliation.models import Match, MatchMethod
from tests.unit.console.reconciliation.matching_world import PAYOUT_RULE, bank_line, matching, payout, rule, run

pytestmark = pytest.mark.django_db
__all__ = ["matching"]

ARRIVAL = date(2026, 11, 14)


def test_a_payout_matches_the_bank_line_that_names_it_over_an_earlier_one_of_its_amount(
    matching: dict[str, Any],
) -> None:
    token = matching["token"]
    po = payout(token, "po_1RefMatch000A", 1248010, ARRIVAL)
    bank_line(token, "bank-plain", "12480.10", ARRIVAL, description="CARD SETTLEMENT")
    named = bank_line(token, "bank-named", "12480.10", date(2026, 11, 15), remittance="STRIPE PAYOUT po_1RefMatch000A")
    done = run(date(2026, 11, 15))
    match = Match.objects.get(left_event_id=po)
    assert (match.right_event_id, match.method) == (named, MatchMethod.REFERENCE)
    assert (match.amount, match.currency, match.left_day) == (Decimal("12480.10"), "USD", ARRIVAL)
    assert done.matched == 1 and done.state == "done"


def test_a_payout_matches_a_bank_credit_of_its_amount_within_its_window_and_nothing_else(
    matching: dict[str, Any],
) -> None:
    token = matching["token"]
    po = payout(token, "po_1AmountMatch0B", 50000, ARRIVAL)
    bank_line(token, "bank-debit", "-500.00", date(2026, 11, 15))  # money out: the wrong sign
    bank_line(token, "bank-late", "500.00", date(2026, 11, 18))  # the 4th day after: outside the window
    bank_line(token, "bank-other", "500.01", date(2026, 11, 15))  # a cent off
    within = bank_line(token, "bank-within", "500.00", date(2026, 11, 17))
    run(date(2026, 11, 20))
    match = Match.objects.get(left_event_id=po)
    assert (match.right_event_id, match.method, match.right_day) == (within, MatchMethod.AMOUNT, date(2026, 11, 17))
    assert Match.objects.count() == 1


def test_an_unmatched_payout_opens_a_case_once_its_window_has_passed_and_only_once(matching: dict[str, Any]) -> None:
    token = matching["token"]
    po = payout(token, "po_1NotInBank000C", 1248010, ARRIVAL)
    assert run(date(2026, 11, 17)).cases_opened == 0  # the 3rd day after is still in the window
    assert not ExceptionCase.objects.filter(event_id=po).exists()
    assert run(date(2026, 11, 18)).cases_opened == 1
    case = ExceptionCase.objects.get(event_id=po)
    assert case.summary.startswith("payout po_1NotInBank000C of 12,480.10 USD not seen in the bank after 3 days")
    assert "bankfeed" in case.summary and "2026-11-13 to 2026-11-17" in case.summary
    assert (case.category, case.get_category_display()) == ("not_in_bank", "Not seen in the bank")
    # 12,480.10 is above US01's materiality threshold of 10,000.00: high, not the category's medium.
    assert (case.severity, case.owner_team, case.state) == ("high", "Finance operations", CaseState.OPEN)
    assert case.cause_key == "not_in_bank:US01:journal_entry:2026-11-14"
    assert "Import the bank statement" in case.next_action
    opened = AuditEvent.objects.get(action="case.opened", object_id=str(case.pk))
    assert opened.actor_label == "system:reconciliation.match"
    assert run(date(2026, 11, 19)).cases_opened == 0
    assert ExceptionCase.objects.filter(event_id=po).count() == 1


def test_a_bank_line_arriving_later_resolves_the_case_naming_the_line(matching: dict[str, Any]) -> None:
    token = matching["token"]
    po = payout(token, "po_1LateBankFile0D", 1248010, ARRIVAL)
    run(date(2026, 11, 20))
    case = ExceptionCase.objects.get(event_id=po)
    line = bank_line(token, "4321:ref:LATE-1", "12480.10", date(2026, 11, 16), reference="STRIPE po_1LateBankFile0D")
    done = run(date(2026, 11, 21))
    assert (done.matched, done.cases_resolved) == (1, 1)
    case.refresh_from_db()
    assert (case.state, case.resolution) == (CaseState.RESOLVED, "matched")
    resolved = case.activities.get(kind=ActivityKind.RESOLVED)
    assert f"Seen in the bank: bankfeed line 4321:ref:LATE-1 of 2026-11-16, 12,480.10 USD (event {line})" in (
        resolved.text
    )
    assert "by reference" in resolved.text and resolved.data["matched_event"] == line
    assert AuditEvent.objects.filter(action="case.resolved", object_id=str(case.pk)).count() == 1


def test_two_payouts_of_the_same_amount_never_match_the_same_bank_line(matching: dict[str, Any]) -> None:
    token = matching["token"]
    first = payout(token, "po_1SameAmount00E", 77700, ARRIVAL)
    second = payout(token, "po_1SameAmount00F", 77700, ARRIVAL)
    line = bank_line(token, "bank-one", "777.00", date(2026, 11, 15))
    run(date(2026, 11, 15))
    run(date(2026, 11, 16))
    assert list(Match.objects.values_list("left_event_id", "right_event_id")) == [(first, line)]
    run(date(2026, 11, 18))
    assert ExceptionCase.objects.get(event_id=second).category == "not_in_bank"
    assert not ExceptionCase.objects.filter(event_id=first).exists()
    # The database holds it whoever writes: a second match of the line is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(
            rule=rule(PAYOUT_RULE),
            entity_id=rule(PAYOUT_RULE).entity_id,
            left_event_id=second,
            right_event_id=line,
            method=MatchMethod.AMOUNT,
            left_day=ARRIVAL,
            right_day=ARRIVAL,
            amount="777.00",
            currency="USD",
            matched_at=timezone.now(),
        )


def test_a_payout_case_dismissed_by_a_person_is_not_opened_again_and_its_event_is_not_dismissed(
    matching: dict[str, Any],
) -> None:
    from console.casework.services.actions import case_dismiss
    from tests.unit.console.casework.conftest import person

    token = matching["token"]
    po = payout(token, "po_1Dismissed000G", 20000, ARRIVAL)
    run(date(2026, 11, 18))
    case = ExceptionCase.objects.select_related("event").get(event_id=po)
    user, actor = person("operator")
    case_dismiss(user=user, actor=actor, case_id=case.pk, reason="paid to the savings account, see treasury memo")
    case.refresh_from_db()
    case.event.refresh_from_db()
    assert case.state == CaseState.DISMISSED and case.event.state == "queued"  # it still posts
    assert run(date(2026, 11, 19)).cases_opened == 0
    assert ExceptionCase.objects.filter(event_id=po).count() == 1


def test_a_payout_with_its_own_open_case_keeps_that_case(matching: dict[str, Any]) -> None:
    from console.casework.services.opening import case_open_or_add
    from console.sync.models import SyncEvent

    token = matching["token"]
    po = payout(token, "po_1OtherCase000H", 20000, ARRIVAL)
    event = SyncEvent.objects.select_related("entity").get(pk=po)
    with transaction.atomic():
        case_open_or_add(event, actor=matching["actor"], reason_code="missing_mapping", message="no account bank")
    assert run(date(2026, 11, 18)).cases_opened == 0
    assert list(ExceptionCase.objects.filter(event_id=po).values_list("category", flat=True)) == ["missing_mapping"]
