"""The exception workbench pages: role-gated, entity-scoped, filterable, escaped,
and every action a POST that only the roles of ACTION_ROLES may make."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from console.audit.models import AuditEvent
from console.casework.models import ApprovalState, CaseApproval, CaseState, ExceptionCase
from console.casework.services.actions import ACTION_ROLES
from console.sync.models import EventState, LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import ingest, unmapped_invoice

pytestmark = pytest.mark.django_db

ROLES = ("operator", "controller", "auditor", "admin")
READERS = ("operator", "controller", "auditor")
# Valid input for every action, so a refusal can only come from the role.
ACTION_DATA = {
    "claim": {},
    "assign": {"assignee": "olivia"},
    "comment": {"text": "looked at it"},
    "retry": {"reason": "mapping added"},
    "resubmit": {"lines-0-tax_code": "SALES15", "reason": "wrong tax code"},
    "mark_duplicate": {"of": "order-other", "reason": "same order", "confirm": "on"},
    "dismiss": {"reason": "test order", "confirm": "on"},
    "credit_note": {"note": "a credit memo"},
    "match_receipt": {"invoice": "order-1"},
    "approve": {"note": "fine"},
    "reject": {"note": "no"},
}
LACKING = [
    (role, action)
    for action, allowed in ACTION_ROLES.items()
    for role in ROLES
    if role not in {r.value for r in allowed}
]


def open_cases(configured: dict[str, Any], *events: dict[str, Any]) -> list[ExceptionCase]:
    """Ingest invoices blocked on the unmapped tax code VAT20 and return their cases, in order."""
    ids = ingest(configured["token"], *events)
    events_drain()
    cases = {c.event_id: c for c in ExceptionCase.objects.select_related("event").filter(event_id__in=ids)}
    return [cases[event_id] for event_id in ids]


def foreign_case() -> ExceptionCase:
    """A case of FR01, an entity granted to nobody, made directly (FR01 has nothing to post with)."""
    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    us_event = SyncEvent.objects.first()
    assert us_event is not None
    now = timezone.now()
    event = SyncEvent.objects.create(
        source_id=us_event.source_id,
        flow_id=us_event.flow_id,
        entity=fr,
        kind=us_event.kind,
        external_id="fr-secret-order",
        occurred_at=now,
        received_at=now,
        payload={"secret": "fr-secret-payload"},
        payload_hash="0" * 64,
        amount=Decimal("100.00"),
        currency="EUR",
        state=EventState.BLOCKED,
        state_changed_at=now,
    )
    return ExceptionCase.objects.create(
        event=event,
        entity=fr,
        flow_id=event.flow_id,
        category="missing_mapping",
        severity="medium",
        summary="fr-secret-summary",
        amount=event.amount,
        currency="EUR",
        owner_team="Finance operations",
        opened_at=now,
        sla_due_at=now + timedelta(hours=8),
        last_failure_at=now,
    )


def case_links(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', html)}


# --- the list ------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_case_in_the_list(blocked_case: ExceptionCase, client: Client, role: str) -> None:
    response = login(client, role).get("/cases/")
    assert response.status_code == 200
    html = response.content.decode()
    assert case_links(html) == {blocked_case.pk}
    assert "Missing mapping" in html and "order-vat20" in html and "$100.00" in html
    assert 'href="/cases/"' in html  # the navigation link


def test_an_open_case_past_its_sla_is_flagged(blocked_case: ExceptionCase, client: Client) -> None:
    login(client, "operator")
    assert "overdue" not in client.get("/cases/").content.decode()
    ExceptionCase.objects.filter(pk=blocked_case.pk).update(sla_due_at=timezone.now() - timedelta(minutes=1))
    assert '<strong class="overdue">overdue</strong>' in client.get("/cases/").content.decode()
    assert '<strong class="overdue">overdue</strong>' in client.get(f"/cases/{blocked_case.pk}/").content.decode()


def test_admins_are_refused_and_anonymous_visitors_sent_to_sign_in(blocked_case: ExceptionCase, client: Client) -> None:
    assert Client().get("/cases/").status_code == 302
    assert Client().get(f"/cases/{blocked_case.pk}/").status_code == 302
    login(client, "admin")
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{blocked_case.pk}/").status_code == 403
    assert 'href="/cases/"' not in client.get("/").content.decode()


def test_filters_narrow_the_list(configured: dict[str, Any], client: Client) -> None:
    alpha, bravo, charlie = open_cases(
        configured,
        unmapped_invoice("inv-alpha", "100.00"),
        unmapped_invoice("inv-bravo", "500.00"),
        unmapped_invoice("inv-charlie", "2000.00"),
    )
    ExceptionCase.objects.filter(pk=bravo.pk).update(category="closed_period")
    ExceptionCase.objects.filter(pk=charlie.pk).update(state=CaseState.DISMISSED)
    ExceptionCase.objects.filter(pk=alpha.pk).update(opened_at=timezone.now() - timedelta(days=5))
    login(client, "operator")

    def shown(query: str) -> set[int]:
        response = client.get(f"/cases/?{query}")
        assert response.status_code == 200
        return case_links(response.content.decode())

    assert shown("") == {alpha.pk, bravo.pk}  # open states only by default
    assert shown("state=all") == {alpha.pk, bravo.pk, charlie.pk}
    assert shown("state=dismissed") == {charlie.pk}
    assert shown("category=closed_period") == {bravo.pk}
    assert shown("q=inv-bravo") == {bravo.pk}
    assert shown("q=INV-AL") == {alpha.pk}  # how it starts, any case
    assert shown("q=corr-inv-charlie&state=all") == {charlie.pk}  # correlation id
    assert shown("amount_min=400&amount_max=1000&state=all") == {bravo.pk}
    assert shown("age=3-7d") == {alpha.pk}
    assert shown("age=0-1d") == {bravo.pk}
    assert shown("assignee=unassigned") == {alpha.pk, bravo.pk}
    assert shown("assignee=me") == set()
    assert shown("entity=US01&severity=medium") == {alpha.pk, bravo.pk}


def test_a_loose_search_joins_the_events_and_finds_the_same_cases(
    configured: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.casework import filters

    alpha, bravo = open_cases(configured, unmapped_invoice("inv-alpha", "100.00"), unmapped_invoice("inv-bravo", "5"))
    login(client, "operator")
    by_ids = case_links(client.get("/cases/?q=inv-").content.decode())
    # More events match than the search picks by id: the cases are joined to them instead.
    monkeypatch.setattr(filters, "SEARCH_EVENTS", 1)
    joined = case_links(client.get("/cases/?q=inv-").content.decode())
    assert by_ids == joined == {alpha.pk, bravo.pk}


def test_ordering_and_an_entity_not_granted(configured: dict[str, Any], client: Client) -> None:
    open_cases(configured, unmapped_invoice("inv-small", "10.00"), unmapped_invoice("inv-large", "900"))
    html = login(client, "operator").get("/cases/?ordering=-amount").content.decode()
    assert html.index("inv-large") < html.index("inv-small")
    html = client.get("/cases/?ordering=amount").content.decode()
    assert html.index("inv-small") < html.index("inv-large")
    foreign_case()
    html = client.get("/cases/?entity=FR01").content.decode()
    assert "Select a valid choice" in html and case_links(html) == set()


def test_htmx_gets_the_rows_and_pages_keep_the_filter(
    configured: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("console.casework.views.PAGE_SIZE", 1)
    open_cases(configured, unmapped_invoice("inv-one"), unmapped_invoice("inv-two"))
    login(client, "controller")
    full = client.get("/cases/?category=missing_mapping&ordering=opened_at").content.decode()
    assert "<html" in full and "inv-one" in full and "inv-two" not in full
    assert "?category=missing_mapping&amp;ordering=opened_at&amp;page=2" in full
    rows = client.get("/cases/?category=missing_mapping&ordering=opened_at&page=2", HTTP_HX_REQUEST="true")
    html = rows.content.decode()
    assert "<html" not in html and "<table" in html and "inv-two" in html and "inv-one" not in html


def test_list_queries_do_not_grow_with_rows(
    configured: dict[str, Any], client: Client, django_assert_max_num_queries: Any
) -> None:
    [first] = open_cases(configured, unmapped_invoice("inv-0"))
    login(client, "operator")
    client.get("/cases/")  # the session and caches settle
    with CaptureQueriesContext(connection) as one_row:
        html = client.get("/cases/").content.decode()
    one_row_queries = len(one_row)  # read now: the log is reset by the next request
    assert case_links(html) == {first.pk}
    open_cases(configured, *[unmapped_invoice(f"inv-{n}") for n in range(1, 20)])
    with django_assert_max_num_queries(one_row_queries):
        html = client.get("/cases/").content.decode()
    assert len(case_links(html)) == 20
    assert one_row_queries <= 15  # pinned: a new per-page lookup must be a decision


# --- a case's page ---------------------------------------------------------------


def test_detail_shows_the_next_action_payload_and_timeline(blocked_case: ExceptionCase, client: Client) -> None:
    response = login(client, "auditor").get(f"/cases/{blocked_case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Add a tax mapping for VAT20 in entity US01" in html
    assert "has no Odoo counterpart" in html  # the category's explanation
    assert "&quot;tax_code&quot;: &quot;VAT20&quot;" in html  # the payload, pretty
    timeline = html[html.index("Timeline") :]
    received = timeline.index("Received from Shopify")
    attempt = timeline.index("Posting attempt 1: Blocked before posting")
    opened = timeline.index("Opened")
    assert received < attempt < opened


def test_detail_shows_a_conflicting_delivery_to_compare(
    blocked_case: ExceptionCase, configured: dict[str, Any], client: Client
) -> None:
    ingest(configured["token"], unmapped_invoice("order-vat20", "150.00"))
    html = login(client, "operator").get(f"/cases/{blocked_case.pk}/").content.decode()
    timeline = html[html.index("Timeline") :]
    assert "Sent again with different content" in timeline
    assert "&quot;unit_price&quot;: &quot;150.00&quot;" in timeline
    assert "&quot;unit_price&quot;: &quot;100.00&quot;" in html[: html.index("Timeline")]  # the original


def test_detail_in_the_user_time_zone(blocked_case: ExceptionCase, client: Client) -> None:
    from console.access.models import User

    User.objects.filter(username="ada").update(time_zone="Asia/Kolkata")
    html = login(client, "auditor").get(f"/cases/{blocked_case.pk}/").content.decode()
    shown = timezone.localtime(blocked_case.sla_due_at, timezone=ZoneInfo("Asia/Kolkata"))
    assert f"{shown:%Y-%m-%d %H:%M}" in html


def test_auditors_see_no_action_forms(blocked_case: ExceptionCase, client: Client) -> None:
    html = login(client, "auditor").get(f"/cases/{blocked_case.pk}/").content.decode()
    assert f'action="/cases/{blocked_case.pk}/' not in html and "<textarea" not in html


def test_operators_see_their_actions_and_controllers_theirs(blocked_case: ExceptionCase, client: Client) -> None:
    html = login(client, "operator").get(f"/cases/{blocked_case.pk}/").content.decode()
    forms = set(re.findall(rf'action="/cases/{blocked_case.pk}/(\w+)/"', html))
    assert forms == {"claim", "assign", "comment", "retry", "mark_duplicate", "dismiss"}
    assert f'href="/cases/{blocked_case.pk}/resubmit/"' in html  # a page of its own
    html = login(Client(), "controller").get(f"/cases/{blocked_case.pk}/").content.decode()
    assert set(re.findall(rf'action="/cases/{blocked_case.pk}/(\w+)/"', html)) == {"assign", "comment"}
    assert '<option value="olivia">olivia</option>' in html and 'value="carl"' not in html


def test_a_case_of_another_entity_is_not_found(blocked_case: ExceptionCase, client: Client) -> None:
    fr = foreign_case()
    for role in READERS:
        login(client, role)
        assert client.get(f"/cases/{fr.pk}/").status_code == 404
        html = client.get("/cases/?state=all").content.decode()
        assert case_links(html) == {blocked_case.pk} and "fr-secret" not in html
    login(client, "operator")
    with tables_unchanged():
        assert client.post(f"/cases/{fr.pk}/claim/").status_code == 404
        assert client.post(f"/cases/{fr.pk}/comment/", {"text": "hi"}).status_code == 404


def test_hostile_text_is_escaped(configured: dict[str, Any], client: Client) -> None:
    event = unmapped_invoice("inv-hostile")
    event["data"]["lines"][0]["description"] = "<script>alert('payload')</script>"
    [case] = open_cases(configured, event)
    ExceptionCase.objects.filter(pk=case.pk).update(summary="<script>alert('summary')</script>")
    login(client, "operator")
    assert client.post(f"/cases/{case.pk}/comment/", {"text": "<script>alert('comment')</script>"}).status_code == 302
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;summary&#x27;)" in html and "&lt;script&gt;alert(&#x27;comment&#x27;)" in html
    assert "&lt;script&gt;alert(&#x27;payload&#x27;)" in html


# --- actions ---------------------------------------------------------------------


def test_an_operator_claims_a_case(blocked_case: ExceptionCase, client: Client) -> None:
    response = login(client, "operator").post(f"/cases/{blocked_case.pk}/claim/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{blocked_case.pk}/"
    case = ExceptionCase.objects.get(pk=blocked_case.pk)
    assert case.state == CaseState.IN_PROGRESS and case.assignee is not None and case.assignee.username == "olivia"
    claimed = AuditEvent.objects.filter(action="case.claimed", object_id=str(case.pk))
    assert claimed.count() == 1 and claimed.get().actor_label == "olivia"
    html = client.get(response["Location"]).content.decode()
    assert f"Case {case.pk}: claimed, it is yours." in html
    assert f'action="/cases/{case.pk}/claim/"' not in html  # already hers
    timeline = html[html.index("Timeline") :]
    assert timeline.index("Opened") < timeline.index("Claimed")
    assert case_links(client.get("/cases/?assignee=me").content.decode()) == {case.pk}
    assert case_links(client.get("/cases/?assignee=olivia").content.decode()) == {case.pk}


def test_an_illegal_action_shows_why_with_400(blocked_case: ExceptionCase, client: Client) -> None:
    login(client, "operator")
    assert client.post(f"/cases/{blocked_case.pk}/claim/").status_code == 302
    with tables_unchanged():
        response = client.post(f"/cases/{blocked_case.pk}/mark_duplicate/", {"of": "no-such-order", "confirm": "on"})
    assert response.status_code == 400
    assert "no other event &#x27;no-such-order&#x27; in US01" in response.content.decode()


def test_invalid_input_re_renders_the_form_with_400(blocked_case: ExceptionCase, client: Client) -> None:
    login(client, "operator")
    with tables_unchanged():
        response = client.post(f"/cases/{blocked_case.pk}/mark_duplicate/", {"of": ""})
        assert response.status_code == 400
        assert client.post(f"/cases/{blocked_case.pk}/dismiss/", {"reason": " ", "confirm": "on"}).status_code == 400
    assert "This field is required." in response.content.decode()


def test_a_controller_assigns_to_an_operator_of_the_entity(blocked_case: ExceptionCase, client: Client) -> None:
    login(client, "controller")
    with tables_unchanged():
        assert client.post(f"/cases/{blocked_case.pk}/assign/", {"assignee": "carl"}).status_code == 400
    assert client.post(f"/cases/{blocked_case.pk}/assign/", {"assignee": "olivia"}).status_code == 302
    case = ExceptionCase.objects.select_related("assignee").get(pk=blocked_case.pk)
    assert case.assignee is not None and case.assignee.username == "olivia"
    assert AuditEvent.objects.filter(action="case.assigned", object_id=str(case.pk)).count() == 1


def test_a_material_dismissal_waits_for_a_controller(configured: dict[str, Any], client: Client) -> None:
    [case] = open_cases(configured, unmapped_invoice("inv-material", "25000.00"))
    operator = login(client, "operator")
    assert operator.post(f"/cases/{case.pk}/dismiss/", {"reason": "test order", "confirm": "on"}).status_code == 302
    html = operator.get(f"/cases/{case.pk}/").content.decode()
    assert "waits for a controller" in html and "Waiting for a controller" in html
    assert set(re.findall(rf'action="/cases/{case.pk}/(\w+)/"', html)) == {"comment"}
    controller = login(Client(), "controller")
    html = controller.get(f"/cases/{case.pk}/").content.decode()
    assert {"approve", "reject"} <= set(re.findall(rf'action="/cases/{case.pk}/(\w+)/"', html))
    # Asked, not done: the event still waits, nothing is dismissed before a controller decides.
    assert SyncEvent.objects.get(pk=case.event_id).state == EventState.BLOCKED
    with tables_unchanged():
        assert controller.post(f"/cases/{case.pk}/reject/", {"note": ""}).status_code == 400
    assert controller.post(f"/cases/{case.pk}/approve/", {"note": "checked with sales"}).status_code == 302
    assert ExceptionCase.objects.get(pk=case.pk).state == CaseState.DISMISSED
    assert SyncEvent.objects.get(pk=case.event_id).state == EventState.DISMISSED
    approval = CaseApproval.objects.select_related("decided_by").get(case=case)
    assert approval.state == ApprovalState.APPROVED and approval.decided_by.username == "carl"


@pytest.mark.parametrize(("role", "action"), LACKING)
def test_an_action_by_a_role_lacking_it_is_refused(
    blocked_case: ExceptionCase, client: Client, role: str, action: str
) -> None:
    login(client, role)
    with tables_unchanged():
        response = client.post(f"/cases/{blocked_case.pk}/{action}/", ACTION_DATA[action])
    assert response.status_code == 403


def test_unknown_actions_and_gets_are_refused(blocked_case: ExceptionCase, client: Client) -> None:
    login(client, "operator")
    with tables_unchanged():
        assert client.post(f"/cases/{blocked_case.pk}/delete/").status_code == 404
        assert client.get(f"/cases/{blocked_case.pk}/claim/").status_code == 405
        assert client.get("/cases/999999/").status_code == 404


def test_largest_first_sorts_by_absolute_amount_and_the_range_is_on_it(configured: dict[str, Any]) -> None:
    ingest(
        configured["token"],
        unmapped_invoice("sort-small", price="100.00"),
        unmapped_invoice("sort-credit", price="-900000.00"),
        unmapped_invoice("sort-mid", price="5000.00"),
    )
    events_drain()
    client = login(Client(), "operator")
    html = client.get("/cases/?ordering=-amount").content.decode()
    order = [html.index(external_id) for external_id in ("sort-credit", "sort-mid", "sort-small")]
    assert order == sorted(order)
    ranged = client.get("/cases/?amount_min=1000").content.decode()
    assert "sort-credit" in ranged and "sort-mid" in ranged and "sort-small" not in ranged
