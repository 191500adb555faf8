"""The coverage rule on a Shopify day: each order paid through Stripe (Shopify's order.json,
read by the Shopify adapter) must be covered by a Stripe charge (dj-stripe's charge, read by the
Stripe adapter) naming it; the one that is not opens a case, and the day's figures say so."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from console.casework.models import ExceptionCase
from console.reconciliation.models import Match, MatchMethod
from console.reconciliation.selectors.matching import rule_figures
from tests.conftest import login
from tests.unit.console.reconciliation.matching_world import (
    COVERAGE_RULE,
    charge,
    matching,
    rule,
    run,
    shopify_order,
)

pytestmark = pytest.mark.django_db
__all__ = ["matching"]

# order.json was placed 2008-01-10T11:00:00-05:00.
PLACED = datetime(2008, 1, 10, 16, 0, tzinfo=UTC)
DAY = date(2008, 1, 10)


@pytest.fixture
def shopify_day(matching: dict[str, Any]) -> dict[str, int]:
    token = matching["token"]
    covered = shopify_order(token, 450789469)
    uncovered = shopify_order(token, 450789470)
    other_gateway = shopify_order(token, 450789471, gateway="paypal")  # not the rule's: never judged
    charged = charge(token, "ch_1CoversOrder0001", 40994, PLACED.replace(second=5), "order-450789469")
    return {"covered": covered, "uncovered": uncovered, "other": other_gateway, "charge": charged}


def test_a_shopify_days_orders_are_covered_by_the_charges_naming_them(shopify_day: dict[str, int]) -> None:
    done = run(date(2008, 1, 12))
    match = Match.objects.get()
    assert (match.left_event_id, match.right_event_id) == (shopify_day["covered"], shopify_day["charge"])
    assert (match.method, match.left_day, match.amount) == (MatchMethod.REFERENCE, DAY, Decimal("409.94"))
    case = ExceptionCase.objects.get(event_id=shopify_day["uncovered"])
    assert case.category == "not_covered" and done.cases_opened == 1
    assert case.summary.startswith(
        "order order-450789470 of 409.94 USD of 2008-01-10 not covered by stripe after 1 day: no payment"
    )
    assert case.cause_key.startswith("not_covered:US01:payment:")
    assert not ExceptionCase.objects.filter(event_id=shopify_day["other"]).exists()
    [day] = rule_figures(rule(COVERAGE_RULE), date(2008, 1, 12)).days
    assert (day.day, day.due.count, day.covered.count, day.uncovered.count) == (DAY, 2, 1, 1)
    assert day.due.money == {"USD": Decimal("819.88")} and day.uncovered.money == {"USD": Decimal("409.94")}


def test_the_days_figures_are_the_lists_they_open(shopify_day: dict[str, int], settings: Any) -> None:
    settings.MATCHING_LOOKBACK_DAYS = 100000  # the sample orders are of 2008
    run(date(2008, 1, 12))
    client = login(Client(), "auditor")
    the_rule = rule(COVERAGE_RULE)
    page = client.get("/reconciliation/US01/matching/").content.decode()
    assert 'data-day="2008-01-10"' in page
    covered = client.get(f"/reconciliation/US01/matching/matched/?rule={the_rule.pk}&day=2008-01-10")
    assert covered.status_code == 200 and 'data-total="1"' in covered.content.decode()
    assert "order-450789469-payment" in covered.content.decode()
    uncovered = client.get(f"/reconciliation/US01/matching/unmatched/?rule={the_rule.pk}&side=left&day=2008-01-10")
    body = uncovered.content.decode()
    assert 'data-total="1"' in body and "order-450789470-payment" in body and "$409.94" in body
    case = ExceptionCase.objects.get(event_id=shopify_day["uncovered"])
    assert f"/cases/{case.pk}/" in body
