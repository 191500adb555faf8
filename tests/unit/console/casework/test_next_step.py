"""A case page leads with its next action: one primary button (or link) decided from the case's
state and category and what the person may do (console/casework/next_step.py), one test per
rule; a closed case has none."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from console.casework.models import CaseState, ExceptionCase
from console.casework.services import actions
from console.sync.models import EventState, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.factories import payment_event, vendor_bill_event
from tests.unit.console.casework.conftest import ingest, person

pytestmark = pytest.mark.django_db

PRIMARY = re.compile(r'<(?:button|a)\b[^>]*class="(?:button )?primary(?: danger)?"[^>]*>([^<]*)<')


def page(client: Client, case: ExceptionCase) -> str:
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def next_step(html: str) -> str:
    """The "Next action" panel of a case page."""
    start = html.index('aria-labelledby="next-heading"')
    return html[start : html.index("</section>", start)]


def primaries(html: str) -> list[str]:
    """Every primary button or link of the page, less the override form shown on its own
    (#resubmit, hidden until the next action or the secondary row opens it)."""
    if 'id="resubmit"' in html:
        start = html.index('id="resubmit"')
        html = html[:start] + html[html.index("</section>", start) :]
    return [label.strip() for label in PRIMARY.findall(html)]


def claimed(case: ExceptionCase) -> ExceptionCase:
    olivia, actor = person("operator")
    actions.case_claim(user=olivia, actor=actor, case_id=case.pk)
    return ExceptionCase.objects.get(pk=case.pk)


def recategorised(case: ExceptionCase, category: str, **event: Any) -> ExceptionCase:
    ExceptionCase.objects.filter(pk=case.pk).update(category=category)
    if event:
        SyncEvent.objects.filter(pk=case.event_id).update(**event)
    return ExceptionCase.objects.get(pk=case.pk)


def test_an_unassigned_case_leads_with_claim(blocked_case: ExceptionCase, client: Client) -> None:
    html = page(login(client, "operator"), blocked_case)
    lead = next_step(html)
    assert f'action="/cases/{blocked_case.pk}/claim/"' in lead
    assert "Nobody works this case yet" in lead and "Add a tax mapping for VAT20 in entity US01" in lead
    assert primaries(html) == ["Claim"]  # the one primary button of the page
    # Where the fix is made comes with it, with less weight: claiming need not hide it.
    assert 'Then: <a href="/mappings/US01/tax/?code=VAT20">Propose the tax mapping for VAT20 in US01</a>' in lead


def test_a_claimed_missing_mapping_leads_to_the_mapping_editor_with_its_code(
    blocked_case: ExceptionCase, client: Client
) -> None:
    case = claimed(blocked_case)
    html = page(login(client, "operator"), case)
    lead = next_step(html)
    editor_link = '<a class="button primary" href="/mappings/US01/tax/?code=VAT20">'
    assert f"{editor_link}Propose the tax mapping for VAT20 in US01</a>" in lead
    assert primaries(html) == ["Propose the tax mapping for VAT20 in US01"]
    editor = client.get("/mappings/US01/tax/?code=VAT20")
    assert editor.status_code == 200 and 'value="VAT20"' in editor.content.decode()


def test_a_case_whose_fix_is_made_outside_leads_with_retry(blocked_case: ExceptionCase, client: Client) -> None:
    case = recategorised(claimed(blocked_case), "retries_exhausted")
    lead = next_step(page(login(client, "operator"), case))
    assert (
        f'action="/cases/{case.pk}/retry/"' in lead
        and '<button type="submit" class="primary">Retry now</button>' in lead
    )


def test_a_document_refused_for_its_content_leads_to_edit_and_resubmit(
    blocked_case: ExceptionCase, client: Client
) -> None:
    case = recategorised(claimed(blocked_case), "invalid_document")
    html = page(login(client, "operator"), case)
    form = f"/cases/{case.pk}/resubmit/"
    assert f'<a class="button primary" href="{form}">Edit and resubmit</a>' in next_step(html)
    assert primaries(html) == ["Edit and resubmit"]
    # The form's page is where the link points (and the secondary row does not link it twice).
    assert html.count(f'href="{form}"') == 1


def test_a_negative_invoice_leads_to_its_credit_note(blocked_case: ExceptionCase, client: Client) -> None:
    ExceptionCase.objects.filter(pk=blocked_case.pk).update(reason_code="negative_total")
    case = recategorised(claimed(blocked_case), "odoo_validation", reason_code="negative_total")
    html = page(login(client, "operator"), case)
    link = f'<a class="button primary" href="/cases/{case.pk}/credit-note/">Turn into a credit note…</a>'
    assert link in next_step(html) and html.count("Turn into a credit note…") == 1


def test_an_unmatched_receipt_leads_with_the_match(blocked_case: ExceptionCase, client: Client) -> None:
    case = recategorised(claimed(blocked_case), "unmatched_receipt")
    lead = next_step(page(login(client, "operator"), case))
    assert f'action="/cases/{case.pk}/match_receipt/"' in lead and ">Match in Odoo</button>" in lead


def test_a_second_look_leads_with_closing_it(blocked_case: ExceptionCase, client: Client) -> None:
    case = recategorised(claimed(blocked_case), "unusual_total")
    lead = next_step(page(login(client, "operator"), case))
    assert f'action="/cases/{case.pk}/dismiss/"' in lead and ">Close the second look</button>" in lead
    assert 'name="confirm"' in lead  # still a dismissal: confirmed


def test_a_payment_waiting_for_its_invoice_links_to_the_invoice(
    blocked_case: ExceptionCase, configured: dict[str, Any], client: Client
) -> None:
    [payment_id] = ingest(configured["token"], payment_event("pay-vat20", invoice_external_id="order-vat20"))
    events_drain()
    case = claimed(ExceptionCase.objects.get(event_id=payment_id))
    assert case.category == "waiting_on_invoice"
    html = page(login(client, "operator"), case)
    link = f'<a class="button primary" href="/events/{blocked_case.event_id}/">Open customer invoice order-vat20</a>'
    assert link in next_step(html)


def test_a_suspected_duplicate_leads_with_marking_it_and_links_the_other_event(
    configured: dict[str, Any], client: Client
) -> None:
    first, second = ingest(configured["token"], vendor_bill_event("bill-1"), vendor_bill_event("bill-2"))
    events_drain()
    case = claimed(ExceptionCase.objects.get(event_id=second))
    assert case.category == "suspected_duplicate"
    html = page(login(client, "operator"), case)
    lead = next_step(html)
    assert f'action="/cases/{case.pk}/mark_duplicate/"' in lead
    assert f'name="of" value="{first}"' in lead  # the other event, filled in
    assert '<button type="submit" class="primary danger">Mark as a duplicate of bill-1</button>' in lead
    assert f'<a href="/events/{first}/">event {first} (bill-1)</a>' in html
    assert ">Retry now</button>" in html  # posting it anyway stays offered, as a secondary action


def test_a_material_request_leads_the_controller_to_decide_and_the_requester_to_wait(
    blocked_case: ExceptionCase, client: Client
) -> None:
    from console.sync.models import LegalEntity

    LegalEntity.objects.filter(pk=blocked_case.entity_id).update(materiality_threshold="50.00")
    olivia, actor = person("operator")
    actions.case_dismiss(user=olivia, actor=actor, case_id=blocked_case.pk, reason="a test order")
    case = ExceptionCase.objects.get(pk=blocked_case.pk)
    assert case.state == CaseState.WAITING_APPROVAL
    lead = next_step(page(login(client, "controller"), case))
    assert "Dismiss asked by olivia waits for your decision" in lead
    assert f'action="/cases/{case.pk}/approve/"' in lead and ">Approve</button>" in lead
    html = page(login(Client(), "operator"), case)
    assert "waits for a controller&#x27;s decision" in next_step(html) and primaries(html) == []


def test_a_controller_leads_with_assigning_an_unassigned_case_they_cannot_fix(
    blocked_case: ExceptionCase, client: Client
) -> None:
    case = recategorised(blocked_case, "retries_exhausted")
    html = page(login(client, "controller"), case)
    assert f'action="/cases/{case.pk}/assign/"' in next_step(html) and primaries(html) == ["Assign"]


def test_an_auditor_reads_the_next_action_without_a_button(blocked_case: ExceptionCase, client: Client) -> None:
    html = page(login(client, "auditor"), blocked_case)
    assert "Add a tax mapping for VAT20 in entity US01" in next_step(html)
    assert primaries(html) == []


@pytest.mark.parametrize("state", [CaseState.RESOLVED, CaseState.DISMISSED])
def test_a_closed_case_shows_no_next_action(blocked_case: ExceptionCase, client: Client, state: str) -> None:
    ExceptionCase.objects.filter(pk=blocked_case.pk).update(state=state, resolution="by the test")
    SyncEvent.objects.filter(pk=blocked_case.event_id).update(state=EventState.POSTED)
    html = page(login(client, "operator"), blocked_case)
    lead = next_step(html)
    assert "None: the case is" in lead and "Add a tax mapping" not in lead
    assert primaries(html) == [] and "<form" not in lead
