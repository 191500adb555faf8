"""A controller's approvals inbox: what waits for their decision, oldest first, counted the
same in the navigation, on the dashboard and on the page; and the mail sent when a request is
submitted to the entity's controllers."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from console.access.models import User
from console.access.roles import Role
from console.access.services import user_create
from console.audit.actors import Actor
from console.casework.approvals_inbox import approvals_inbox, inbox_count
from console.casework.models import CaseApproval, ExceptionCase
from console.casework.services.actions import case_dismiss
from console.mappings.models import ChangeRequest
from console.sync.models import ConnectionChange, LegalEntity, ThresholdChange
from tests.conftest import login
from tests.unit.console.casework.conftest import person
from tests.unit.console.mappings.conftest import proposed

pytestmark = pytest.mark.django_db


def _material(case: ExceptionCase) -> None:
    LegalEntity.objects.filter(pk=case.entity_id).update(materiality_threshold="10.00")


def _controller(username: str, entity: str) -> User:
    user = user_create(
        username=username, password="x-not-used-x", role=Role.CONTROLLER, entity_codes=[entity], actor=Actor.system("t")
    )
    user.email = f"{username}@example.com"
    user.save()
    return user


@pytest.fixture
def waiting(blocked_case: ExceptionCase, configured: dict[str, Any]) -> dict[str, Any]:
    """One request of each kind waiting for carl, with known ages, and some that are not his to decide."""
    _material(blocked_case)
    olivia, actor = person("operator")
    carl, _ = person("controller")
    ian, _ = person("admin")
    case_dismiss(user=olivia, actor=actor, case_id=blocked_case.pk, reason="sent twice by the shop")
    approval = CaseApproval.objects.get(case=blocked_case)
    change = proposed(configured["sandbox"], "VAT20")
    now = timezone.now()
    us = LegalEntity.objects.get(code="US01")
    threshold = ThresholdChange.objects.create(
        entity=us, threshold_before="10.00", threshold_after="5000.00", proposed_by=ian, reason="too strict",
        proposed_at=now - timedelta(days=3),
    )  # fmt: skip
    connection = ConnectionChange.objects.create(
        after={"name": "odoo-new"}, proposed_by=ian, reason="a second database", proposed_at=now - timedelta(days=1)
    )
    ConnectionChange.objects.create(
        after={"name": "carl-own"}, proposed_by=carl, reason="carl's own", proposed_at=now - timedelta(days=9)
    )
    CaseApproval.objects.filter(pk=approval.pk).update(requested_at=now - timedelta(days=2))
    ChangeRequest.objects.filter(pk=change.pk).update(submitted_at=now - timedelta(hours=5))
    return {"approval": approval, "change": change, "threshold": threshold, "connection": connection}


def test_the_inbox_lists_what_waits_for_the_controller_oldest_first(waiting: dict[str, Any]) -> None:
    carl, _ = person("controller")
    inbox = approvals_inbox(carl)
    assert [item.kind for item in inbox.items] == ["threshold", "case", "connection", "mapping"]
    assert inbox.count == 4 == inbox_count(carl)
    case_item = inbox.items[1]
    assert case_item.url == f"/cases/{waiting['approval'].case_id}/" and case_item.requested_by == "olivia"
    assert inbox.items[3].url == f"/mappings/changes/{waiting['change'].pk}/"
    assert "carl-own" not in " ".join(item.what for item in inbox.items)  # his own is another's to decide


def test_the_inbox_is_of_the_controllers_entities_only(waiting: dict[str, Any]) -> None:
    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    claire = _controller("claire", "FR01")
    ThresholdChange.objects.create(
        entity=fr, threshold_before="1.00", threshold_after="2.00", proposed_by=person("admin")[0], reason="fr",
        proposed_at=timezone.now(),
    )  # fmt: skip
    # New connections (of no entity yet) are every controller's (carl's own is claire's to decide
    # too); FR01's threshold is claire's alone.
    assert [item.kind for item in approvals_inbox(claire).items] == ["connection", "connection", "threshold"]
    assert "threshold" in [i.kind for i in approvals_inbox(person("controller")[0]).items]
    assert inbox_count(person("controller")[0]) == 4


def test_others_have_no_inbox(waiting: dict[str, Any]) -> None:
    for role in ("operator", "auditor", "admin"):
        user, _ = person(role)
        assert inbox_count(user) == 0 and approvals_inbox(user).items == []
        assert login(Client(), role).get("/approvals/").status_code == 403


class _Counts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("href") == "/approvals/" and values.get("data-count") is not None:
            where = "dashboard" if "figure" in (values.get("class") or "") else "navigation"
            self.found[where] = int(values["data-count"] or -1)
        if "total" in (values.get("class") or "").split():
            self.found["page"] = int(values["data-total"] or -1)


def _counts(client: Client, url: str) -> dict[str, int]:
    parsed = _Counts()
    parsed.feed(client.get(url).content.decode())
    return parsed.found


def test_navigation_dashboard_and_page_state_the_same_count(waiting: dict[str, Any]) -> None:
    client = login(Client(), "controller")
    assert _counts(client, "/") == {"navigation": 4, "dashboard": 4}
    assert _counts(client, "/approvals/") == {"navigation": 4, "page": 4}
    page = client.get("/approvals/").content.decode()
    assert page.index("too strict") < page.index("sent twice by the shop") < page.index("Mapping change")


def test_the_operator_sees_no_inbox_on_the_dashboard(waiting: dict[str, Any]) -> None:
    assert _counts(login(Client(), "operator"), "/") == {}


def test_a_case_approval_request_mails_the_entitys_other_controllers(
    blocked_case: ExceptionCase, django_capture_on_commit_callbacks: Any
) -> None:
    _material(blocked_case)
    olivia, actor = person("operator")
    carl, _ = person("controller")
    ada, _ = person("auditor")
    for user in (olivia, carl, ada):
        user.email = f"{user.username}@example.com"
        user.save()
    _controller("cora", "US01")
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    _controller("claire", "FR01")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_dismiss(user=olivia, actor=actor, case_id=blocked_case.pk, reason="sent twice by the shop")
        assert mail.outbox == []  # nothing before the request commits
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["carl@example.com", "cora@example.com"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert f"case {blocked_case.pk} (US01" in message.subject
    assert "olivia asks a controller of US01" in message.body and "sent twice by the shop" in message.body
    assert f"/cases/{blocked_case.pk}/" in message.body


def test_a_mapping_change_submitted_mails_the_controllers_but_not_its_author(
    configured: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from console.mappings.models import MappingKind
    from console.mappings.services.requests import RowInput, change_request_create, change_request_submit
    from tests.unit.console.mappings.conftest import sale_tax

    carl, actor = person("controller")  # controllers propose mapping changes too
    carl.email = "carl@example.com"
    carl.save()
    _controller("cora", "US01")
    draft = change_request_create(
        user=carl,
        actor=actor,
        entity_code="US01",
        title="Map VAT20 to the 15% sale tax",
        rows=[RowInput(MappingKind.TAX, "VAT20", sale_tax(configured["sandbox"]))],
    )
    with django_capture_on_commit_callbacks(execute=True):
        change_request_submit(user=carl, actor=actor, request_id=draft.pk)
    assert [m.to for m in mail.outbox] == [["cora@example.com"]]  # carl asked: another decides
    assert f"mapping change {draft.pk} submitted for US01" in mail.outbox[0].subject
    assert f"/mappings/changes/{draft.pk}/" in mail.outbox[0].body


def test_a_bulk_run_mails_its_approvals_once_not_per_case(configured: dict[str, Any]) -> None:
    from console.casework.models import BulkRun
    from console.casework.services.bulk import bulk_execute
    from console.sync.services.drain import events_drain
    from tests.unit.console.casework.conftest import ingest, unmapped_invoice

    carl, _ = person("controller")
    carl.email = "carl@example.com"
    carl.save()
    ingest(
        configured["token"],
        unmapped_invoice("bulk-big-1", price="25000.00"),
        unmapped_invoice("bulk-big-2", price="-30000.00"),
        unmapped_invoice("bulk-small", price="10.00"),
    )
    events_drain()
    olivia, _ = person("operator")
    ids = list(ExceptionCase.objects.order_by("pk").values_list("pk", flat=True))
    run = BulkRun.objects.create(
        action="dismiss", state="queued", reason="test orders", case_ids=ids, total=3, requested_by=olivia,
        created_at=timezone.now(),
    )  # fmt: skip
    run = bulk_execute(run.pk)
    assert run.waiting_approval == 2
    [message] = mail.outbox
    assert message.to == ["carl@example.com"]
    assert f"2 case approval(s) requested by bulk run {run.pk} (US01)" in message.subject
    assert all(f"/cases/{pk}/" in message.body for pk in ids[:2]) and f"/cases/{ids[2]}/" not in message.body
