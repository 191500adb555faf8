"""The mapping editor in the browser's terms: pages, forms, crafted posts, CSV in and out."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from console.audit.models import AuditEvent
from console.casework.models import CaseState, ExceptionCase
from console.mappings.models import ChangeOrigin, ChangeRequest, ChangeState, Mapping, ReferenceRefresh
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.tables import tables_unchanged
from tests.unit.console.mappings.conftest import proposed, sale_tax

pytestmark = pytest.mark.django_db


def _propose(client: Client, tax: int, code: str = "VAT20") -> Any:
    return client.post(
        "/mappings/US01/tax/propose/",
        {"source_value": code, "target": f"tax:{tax}", "title": f"Map {code} to the 15% sale tax"},
    )


def test_the_kind_page_shows_what_is_in_force_and_where_targets_come_from(configured: dict[str, Any]) -> None:
    page = login(Client(), "operator").get("/mappings/US01/tax/?code=VAT20").content.decode()
    assert "SALES15" in page and "PURCH15" in page
    assert "Refresh from Odoo" in page and "read <time" in page and "system:seed_demo" in page
    assert 'value="VAT20"' in page  # the case's link pre-fills the code
    assert f'value="tax:{sale_tax(configured["sandbox"])}"' in page
    assert "retire this tax code" in page


def test_auditors_read_but_see_no_way_to_change(configured: dict[str, Any]) -> None:
    client = login(Client(), "auditor")
    page = client.get("/mappings/US01/tax/").content.decode()
    assert "SALES15" in page
    assert "Propose a change" not in page and "Import a CSV" not in page and "Refresh from Odoo" not in page


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_roles_that_do_not_propose_get_403_on_every_editor_post(configured: dict[str, Any], role: str) -> None:
    client = login(Client(), role)
    tax = sale_tax(configured["sandbox"])
    upload = SimpleUploadedFile("m.csv", f"source_value,odoo_id\nVAT20,{tax}\n".encode(), content_type="text/csv")
    with tables_unchanged():
        assert _propose(client, tax).status_code == 403
        assert client.post("/mappings/US01/tax/refresh/").status_code == 403
        assert client.post("/mappings/US01/tax/import/", {"title": "x", "file": upload}).status_code == 403


def test_an_operator_proposes_and_a_controller_approves_in_the_browser(
    blocked_case: ExceptionCase, configured: dict[str, Any]
) -> None:
    olivia = login(Client(), "operator")
    response = _propose(olivia, sale_tax(configured["sandbox"]))
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    page = olivia.get(response["Location"]).content.decode()
    assert "not mapped" in page and "15% (sale)" in page and "Submit for approval" in page
    assert "Unblocks <strong>1 open case</strong>" in page

    assert olivia.post(f"/mappings/changes/{change.pk}/submit/").status_code == 302
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.SUBMITTED
    with tables_unchanged():
        assert olivia.post(f"/mappings/changes/{change.pk}/approve/", {"note": "mine"}).status_code == 403

    carl = login(Client(), "controller")
    page = carl.get(f"/mappings/changes/{change.pk}/").content.decode()
    assert "Approve" in page and "Reject" in page and "Unblocks <strong>1 open case</strong>" in page
    response = carl.post(f"/mappings/changes/{change.pk}/approve/", {"note": "checked against the tax register"})
    assert response.status_code == 302
    page = carl.get(response["Location"]).content.decode()
    assert "approved and applied; 1 waiting event queued for posting again" in page

    events_drain()
    assert ExceptionCase.objects.get(pk=blocked_case.pk).state == CaseState.RESOLVED

    ada = login(Client(), "auditor")
    page = ada.get(f"/mappings/changes/{change.pk}/").content.decode()
    assert f"correlation_id={change.reference}" in page and f"/events/{blocked_case.event_id}/" in page
    trail = ada.get(f"/audit/?correlation_id={change.reference}").content.decode()
    for action in ("created", "approved", "applied"):
        assert f"mapping_change.{action}" in trail
    assert "mapping.version_added" in trail


def test_a_controller_who_asked_sees_no_decision_and_a_crafted_post_is_refused(configured: dict[str, Any]) -> None:
    carl = login(Client(), "controller")
    assert _propose(carl, sale_tax(configured["sandbox"])).status_code == 302
    change = ChangeRequest.objects.get()
    carl.post(f"/mappings/changes/{change.pk}/submit/")
    page = carl.get(f"/mappings/changes/{change.pk}/").content.decode()
    assert ">Approve<" not in page and "Withdraw" in page
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.SUBMITTED
    with tables_unchanged():
        assert carl.post(f"/mappings/changes/{change.pk}/approve/", {"note": ""}).status_code == 403
        assert carl.post(f"/mappings/changes/{change.pk}/reject/", {"note": "x"}).status_code == 403


def test_a_target_that_is_not_offered_is_refused_and_nothing_is_written(configured: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    with tables_unchanged():
        response = _propose(client, 999_999)
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_an_operator_cannot_decide_by_a_crafted_post(configured: dict[str, Any]) -> None:
    change = proposed(configured["sandbox"])
    client, auditor = login(Client(), "operator"), login(Client(), "auditor")
    with tables_unchanged():
        assert client.post(f"/mappings/changes/{change.pk}/approve/", {"note": "ok"}).status_code == 403
        assert client.post(f"/mappings/changes/{change.pk}/reject/", {"note": "no"}).status_code == 403
        assert auditor.post(f"/mappings/changes/{change.pk}/comment/", {"text": "x"}).status_code == 403
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeState.SUBMITTED


def test_csv_export_reimported_changes_nothing(configured: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    response = client.get("/mappings/US01/tax/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.splitlines()[0] == "kind,source_value,odoo_id,odoo_label,version,valid_from" and "SALES15" in text
    assert AuditEvent.objects.filter(action="mapping.exported").count() == 1
    upload = SimpleUploadedFile("m.csv", response.content, content_type="text/csv")
    with tables_unchanged():
        page = client.post("/mappings/US01/tax/import/", {"title": "again", "file": upload})
    assert page.status_code == 400 and "the file changes nothing" in page.content.decode()


def test_a_csv_import_is_one_draft_or_nothing_with_each_line_named(configured: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    tax = sale_tax(configured["sandbox"])
    bad = f"source_value,odoo_id\nVAT20,{tax}\nVAT7,seven\nVAT8,999999\n,{tax}\n".encode()
    with tables_unchanged():
        page = client.post(
            "/mappings/US01/tax/import/", {"title": "bulk", "file": SimpleUploadedFile("m.csv", bad)}
        ).content.decode()
    assert "Line 3, odoo_id: &#x27;seven&#x27; is not an Odoo id" in page
    assert "Line 4, odoo_id: Odoo has no account.tax with id 999999" in page
    assert "Line 5, source_value: must be 1 to 100 characters" in page
    assert not ChangeRequest.objects.exists()

    good = f"\ufeffsource_value,odoo_id,op\nVAT20,{tax},\nVAT7,{tax},add\nSALES15,{tax},\n".encode()
    response = client.post("/mappings/US01/tax/import/", {"title": "bulk", "file": SimpleUploadedFile("m.csv", good)})
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.origin == ChangeOrigin.CSV and change.state == ChangeState.DRAFT
    assert list(change.rows.values_list("position", "source_value")) == [(2, "VAT20"), (3, "VAT7")]
    assert "1 line changed nothing" in client.get(response["Location"]).content.decode()


def test_a_csv_with_unknown_columns_or_not_utf8_is_refused(configured: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    for data, message in (
        (b"code,odoo_id\nVAT20,1\n", "no column &#x27;source_value&#x27;"),
        ("source_value,odoo_id\nTÄX,1\n".encode("latin-1"), "not UTF-8 text"),
        (b"", "The submitted file is empty"),
    ):
        upload = SimpleUploadedFile("m.csv", data)
        with tables_unchanged():
            page = client.post("/mappings/US01/tax/import/", {"title": "x", "file": upload}).content.decode()
        assert message in page, message


def test_history_and_refresh(configured: dict[str, Any]) -> None:
    client = login(Client(), "controller")
    page = client.get("/mappings/US01/tax/history/?code=SALES15").content.decode()
    assert "History of tax SALES15 in US01" in page and "Odoo id" in page
    assert client.get("/mappings/US01/tax/history/?code=NOPE").status_code == 404
    before = ReferenceRefresh.objects.get(model="account.tax").refreshed_at
    response = client.post("/mappings/US01/tax/refresh/")
    assert response.status_code == 302
    assert ReferenceRefresh.objects.get(model="account.tax").refreshed_at > before
    assert AuditEvent.objects.filter(action="odoo.reference_refreshed", actor_label="carl").count() == 1
    assert Mapping.objects.filter(source_value="SALES15").count() == 1


def test_a_missing_mapping_case_links_to_the_editor_prefilled(blocked_case: ExceptionCase) -> None:
    page = login(Client(), "operator").get(f"/cases/{blocked_case.pk}/").content.decode()
    assert 'href="/mappings/US01/tax/?code=VAT20"' in page and "Propose the tax mapping for VAT20 in US01" in page


def test_the_overview_counts_what_is_in_force_per_kind(configured: dict[str, Any]) -> None:
    from console.mappings.models import MappingKind
    from console.mappings.selectors.browse import mappings_current
    from console.sync.models import LegalEntity

    us01 = LegalEntity.objects.get(code="US01")
    page = login(Client(), "operator").get("/mappings/").content.decode()
    for kind in MappingKind.values:
        n = mappings_current(us01, kind).count()
        assert f'aria-label="{n} {kind} mappings of US01">{n} in force<' in page, kind


def test_a_refresh_odoo_cannot_answer_keeps_what_was_read(configured: dict[str, Any]) -> None:
    client = login(Client(), "controller")
    configured["sandbox"].control.outage(30)
    try:
        with tables_unchanged():
            response = client.post("/mappings/US01/tax/refresh/", follow=True)
    finally:
        configured["sandbox"].control.outage_off()
    assert response.status_code == 200
    assert "Odoo&#x27;s account.tax records for US01 could not be read" in response.content.decode()
