"""Matching rules are data changed by controllers only, each change audited with before and
after; every write path refuses the other roles (403) and changes nothing; bad input is a 400
naming the field; the pages show nothing of an entity the person does not hold."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from console.audit.models import AuditEvent
from console.reconciliation.forms_matching import rule_initial
from console.reconciliation.models import MatchingRule, MatchingRun
from console.reconciliation.services.matching_rules import RuleError, RuleValues, matching_rule_change
from console.sync.models import LegalEntity
from tests.conftest import login
from tests.unit.console.casework.conftest import person
from tests.unit.console.reconciliation.matching_world import PAYOUT_RULE, matching, rule

pytestmark = pytest.mark.django_db
__all__ = ["matching"]


def _form(found: MatchingRule, **changes: Any) -> dict[str, Any]:
    body = {k: v for k, v in rule_initial(found).items() if v is not None}
    body["is_active"] = "on" if body.pop("is_active") else ""
    return {**body, "reason": "the bank books Stripe a day later since November", **changes}


def test_every_seeded_rule_was_created_through_the_audited_service(matching: dict[str, Any]) -> None:
    rules = list(MatchingRule.objects.all())
    assert {r.name for r in rules} == {PAYOUT_RULE, "Shopify orders paid through Stripe are Stripe charges"}
    for found in rules:
        created = AuditEvent.objects.get(action="matching_rule.created", object_id=str(found.pk))
        assert (created.actor_label, created.reason, created.entity_code) == ("system:seed_demo", "demo seed", "US01")
        assert created.after_data["name"] == found.name


def test_a_controller_changes_a_rule_and_the_change_is_audited_with_before_and_after(
    matching: dict[str, Any],
) -> None:
    found = rule(PAYOUT_RULE)
    response = login(Client(), "controller").post(
        f"/reconciliation/US01/matching/rules/{found.pk}/", data=_form(found, window_days="5", tolerance="0.05")
    )
    assert response.status_code == 302 and response["Location"] == "/reconciliation/US01/matching/"
    found.refresh_from_db()
    assert (found.window_days, str(found.tolerance), found.changed_by) == (5, "0.05", "carl")
    changed = AuditEvent.objects.get(action="matching_rule.changed", object_id=str(found.pk))
    assert changed.before_data == {"window_days": 3, "tolerance": "0.00"}
    assert changed.after_data == {"window_days": 5, "tolerance": "0.05"}
    assert (changed.actor_label, changed.reason) == ("carl", "the bank books Stripe a day later since November")


def test_the_same_values_again_change_nothing_and_audit_nothing(matching: dict[str, Any]) -> None:
    found = rule(PAYOUT_RULE)
    user, actor = person("controller")
    _, changed = matching_rule_change(
        user=user, actor=actor, entity_code="US01", rule_id=found.pk, values=RuleValues.of(found), reason=""
    )
    assert not changed and not AuditEvent.objects.filter(action="matching_rule.changed").exists()


@pytest.mark.parametrize("role", ["operator", "auditor", "admin"])
def test_no_other_role_changes_a_rule_through_the_service(matching: dict[str, Any], role: str) -> None:
    found = rule(PAYOUT_RULE)
    user, actor = person(role)
    wider = dataclasses.replace(RuleValues.of(found), window_days=30)
    with pytest.raises(PermissionDenied, match="changing a matching rule needs the role Controller"):
        matching_rule_change(user=user, actor=actor, entity_code="US01", rule_id=found.pk, values=wider, reason="x")
    found.refresh_from_db()
    assert found.window_days == 3


# Rules are a controller's; running the matching now is an operator's or a controller's.
REFUSED = [
    (path, role)
    for path, refused_roles in (
        ("rules/new/", ("operator", "auditor", "admin")),
        ("rules/{rule}/", ("operator", "auditor", "admin")),
        ("run/", ("auditor", "admin")),
    )
    for role in refused_roles
]


@pytest.mark.parametrize(("path", "role"), REFUSED)
def test_every_write_path_refuses_the_roles_it_is_not_for(matching: dict[str, Any], path: str, role: str) -> None:
    found = rule(PAYOUT_RULE)
    client = login(Client(), role)  # signing in is audited: counted after it
    audit_before, runs_before = AuditEvent.objects.count(), MatchingRun.objects.count()
    body = _form(found, window_days="30", name="Looser")
    response = client.post(f"/reconciliation/US01/matching/{path.format(rule=found.pk)}", data=body)
    assert response.status_code == 403
    found.refresh_from_db()
    assert (found.window_days, MatchingRule.objects.count()) == (3, 2)
    assert (AuditEvent.objects.count(), MatchingRun.objects.count()) == (audit_before, runs_before)


def test_a_controller_adds_a_rule_and_bad_input_is_a_400_naming_the_field(matching: dict[str, Any]) -> None:
    client = login(Client(), "controller")
    body = _form(rule(PAYOUT_RULE), name="PayPal payouts reach the bank", left_source="nope")
    refused = client.post("/reconciliation/US01/matching/rules/new/", data=body)
    assert refused.status_code == 400 and "left source: no source system &#39;nope&#39;" in refused.content.decode()
    no_reason = client.post(
        "/reconciliation/US01/matching/rules/new/", data={**body, "left_source": "stripe", "reason": ""}
    )
    assert no_reason.status_code == 400 and MatchingRule.objects.count() == 2
    made = client.post("/reconciliation/US01/matching/rules/new/", data={**body, "left_source": "stripe"})
    assert made.status_code == 302
    added = MatchingRule.objects.get(name="PayPal payouts reach the bank")
    assert AuditEvent.objects.get(action="matching_rule.created", object_id=str(added.pk)).actor_label == "carl"


def test_a_rule_matching_a_source_with_itself_is_refused(matching: dict[str, Any]) -> None:
    found = rule(PAYOUT_RULE)
    same = dataclasses.replace(RuleValues.of(found), right_source="stripe", right_kind="journal_entry")
    user, actor = person("controller")
    with pytest.raises(RuleError, match="not with themselves"):
        matching_rule_change(user=user, actor=actor, entity_code="US01", rule_id=found.pk, values=same, reason="x")


def test_run_now_records_the_run_and_its_request(matching: dict[str, Any]) -> None:
    response = login(Client(), "operator").post("/reconciliation/US01/matching/run/")
    assert response.status_code == 302
    queued = MatchingRun.objects.get()
    assert (queued.state, queued.requested_by) == ("queued", "olivia")
    assert AuditEvent.objects.get(action="matching.run_requested").object_id == str(queued.pk)


def test_the_pages_of_an_entity_not_held_are_not_found(matching: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    client = login(Client(), "controller")
    for url in ("/reconciliation/FR01/matching/", "/reconciliation/FR01/matching/rules/new/"):
        assert client.get(url).status_code == 404
    assert client.post("/reconciliation/FR01/matching/run/").status_code == 404


def test_the_page_shows_each_rule_with_figures_that_are_its_lists(matching: dict[str, Any]) -> None:
    from tests.unit.console.reconciliation.matching_world import bank_line, payout, run

    token = matching["token"]
    today = date.today()
    payout(token, "po_1PageFigure000A", 30000, today)
    bank_line(token, "bank-page", "300.00", today)
    payout(token, "po_1PageFigure000B", 45000, today)
    run(today)
    client = login(Client(), "operator")
    page = client.get("/reconciliation/US01/matching/").content.decode()
    found = rule(PAYOUT_RULE)
    assert PAYOUT_RULE in page and "Run the matching now" in page and "Add a matching rule" not in page
    matched = client.get(f"/reconciliation/US01/matching/matched/?rule={found.pk}").content.decode()
    waiting = client.get(f"/reconciliation/US01/matching/unmatched/?rule={found.pk}&side=left").content.decode()
    assert f'href="/reconciliation/US01/matching/matched/?rule={found.pk}" class="figure" data-count="1"' in page
    assert 'data-total="1"' in matched and "po_1PageFigure000A" in matched and "$300.00" in matched
    assert 'data-total="1"' in waiting and "po_1PageFigure000B" in waiting and "$450.00" in waiting
    assert client.get(f"/reconciliation/US01/matching/unmatched/?rule={found.pk}&side=up").status_code == 404


def test_the_legal_entities_page_links_the_matching_page_for_finance_readers_only(matching: dict[str, Any]) -> None:
    assert "/reconciliation/US01/matching/" in login(Client(), "auditor").get("/config/entities/").content.decode()
    assert "/reconciliation/US01/matching/" not in login(Client(), "admin").get("/config/entities/").content.decode()
