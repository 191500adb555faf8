"""The workbench's tools for a whole day, in a real browser (issue 17): the causes view to the fix
and the retry of every case of a cause, the case list's exports, a saved view, and the controller's
approvals inbox. Headless Chromium against the live server, real Celery workers posting into the
Odoo sandbox; every page without a CSP violation or a script error (test_browser_casework's watch).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from console.access.models import User
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.casework.models import CaseState, ExceptionCase
from console.casework.services.actions import case_dismiss
from console.sync.models import LegalEntity
from tests.factories import invoice_event
from tests.integration.conftest import Workers, wait_until
from tests.integration.http import send
from tests.integration.test_browser_casework import (
    POSTED_WITHIN,
    ConsoleWatch,
    browser,
    console_watch,
    fact,
    open_blocked_case,
    sign_in,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
__all__ = ["browser", "console_watch"]  # fixtures, imported to be found by pytest


def locked_invoices(live_server: Any, token: str, prices: dict[str, str]) -> list[ExceptionCase]:
    """Invoices sent while Odoo's period is locked: each becomes a closed-period case."""
    event_ids = []
    for external_id, price in prices.items():
        event = invoice_event(external_id)
        event["data"]["lines"][0]["unit_price"] = price
        status, body = send(live_server.url, token, event)
        assert status == 201, body
        event_ids.append(body["event_id"])
    wait_until(
        lambda: ExceptionCase.objects.filter(event_id__in=event_ids, category="closed_period").count() == len(prices),
        timeout=60,
        what="a closed-period case per invoice",
    )
    return list(ExceptionCase.objects.filter(event_id__in=event_ids).select_related("event"))


def cause_row(page: Page, label: str | re.Pattern[str]) -> Any:
    return page.get_by_role("table").get_by_role("row").filter(has_text=label)


def test_an_operator_goes_from_a_cause_to_its_fix_then_retries_every_case_of_it(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    sandbox = configured["sandbox"]
    sandbox.control.set_lock_date(1, "2026-12-31")
    workers.start()
    cases = locked_invoices(live_server, configured["token"], {"cause-lock-1": "100.00", "cause-lock-2": "250.00"})
    unmapped = open_blocked_case(live_server, configured["token"], "cause-vat20")

    page = sign_in(browser, console_watch, live_server.url, "operator")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Causes", exact=True).click()
    expect(page.get_by_role("heading", name="Causes", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("3 open cases behind 2 causes.")

    locked = cause_row(page, re.compile(r"is locked in Odoo for US01"))
    expect(locked.get_by_role("link", name="2 cases", exact=True)).to_be_visible()
    expect(locked).to_contain_text("$350.00")
    mapping = cause_row(page, "tax code VAT20 has no mapping in US01")
    expect(mapping.get_by_role("link", name="1 case", exact=True)).to_be_visible()

    # The mapping cause's fix opens the mapping editor with its code filled in.
    mapping.get_by_role("link", name="Propose the tax mapping for VAT20").click()
    expect(page.get_by_label("Source code")).to_have_value("VAT20")
    page.go_back()

    # The count links to the case list of that cause, which states the same figures.
    cause_row(page, re.compile(r"is locked in Odoo for US01")).get_by_role("link", name="2 cases").click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    expect(page.locator("#case-rows").get_by_role("status")).to_have_text("2 cases, at stake $350.00.")
    page.go_back()

    # The fix is Odoo's (the period reopened); then one retry for the whole cause.
    sandbox.control.set_lock_date(1, False)
    locked = cause_row(page, re.compile(r"is locked in Odoo for US01"))
    locked.get_by_role("button", name="Retry the cause (dry run first)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bulk retry now")
    expect(fact(page, "Cases")).to_have_text("2")
    expect(fact(page, "Money at stake")).to_have_text("$350.00")
    page.get_by_role("button", name="Run it on 2 cases", exact=True).click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible(timeout=POSTED_WITHIN * 1000)
    expect(fact(page, "State")).to_have_text("Done")

    wait_until(
        lambda: ExceptionCase.objects.filter(pk__in=[c.pk for c in cases], state=CaseState.RESOLVED).count() == 2,
        timeout=POSTED_WITHIN,
        what="both cases of the cause resolved by their events posting",
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Causes", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("1 open case behind 1 cause.")
    expect(cause_row(page, re.compile(r"is locked in Odoo"))).to_have_count(0)
    assert ExceptionCase.objects.get(pk=unmapped.pk).is_open
    page.context.close()


def test_the_case_list_exports_what_its_filter_selects_as_csv_and_xlsx(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    configured["sandbox"].control.set_lock_date(1, "2026-12-31")
    workers.start()
    locked_invoices(live_server, configured["token"], {"export-1": "100.00", "export-2": "40.50"})
    open_blocked_case(live_server, configured["token"], "export-aside")

    page = sign_in(browser, console_watch, live_server.url, "operator")
    page.goto(reverse("case-list") + "?category=closed_period")
    expect(page.locator("#case-rows").get_by_role("status")).to_have_text("2 cases, at stake $140.50.")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV", exact=True).click()
    rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["case_id", "entity", "flow"] and "amount" in rows[0]
    amount = rows[0].index("amount")
    assert sorted(Decimal(row[amount]) for row in rows[1:]) == [Decimal("40.50"), Decimal("100.00")]
    assert not any("export-aside" in cell for row in rows for cell in row)

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="XLSX", exact=True).click()
    workbook = zipfile.ZipFile(xlsx_download.value.path())
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 3  # the header and the two cases the filter selects
    assert csv_download.value.suggested_filename.endswith(".csv")
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")

    exports = AuditEvent.objects.filter(action="cases.exported").order_by("sequence")
    assert [e.after_data["format"] for e in exports] == ["csv", "xlsx"]
    assert all(e.after_data["rows"] == 2 for e in exports)
    page.context.close()


def test_a_saved_view_opens_by_default_and_by_its_link_and_all_open_cases_is_one_click_away(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    configured["sandbox"].control.set_lock_date(1, "2026-12-31")
    workers.start()
    locked_invoices(live_server, configured["token"], {"view-1": "10.00"})
    open_blocked_case(live_server, configured["token"], "view-aside")

    page = sign_in(browser, console_watch, live_server.url, "operator")
    page.goto(reverse("case-list") + "?category=closed_period")
    tools = page.get_by_role("form", name="Save this filter as a view")
    tools.get_by_label("Save this filter as").fill("Locked periods")
    tools.get_by_label("open the list with it").check()
    tools.get_by_role("button", name="Save view").click()

    # Opening the list now opens the default view.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("navigation", name="Saved views").get_by_role("status")).to_contain_text(
        "View Locked periods"
    )
    expect(page.locator("#case-rows").get_by_role("status")).to_have_text("1 case, at stake $10.00.")
    expect(page).to_have_url(re.compile(r"[?&]category=closed_period(&|$)"))

    page.get_by_role("navigation", name="Saved views").get_by_role("link", name="All open cases").click()
    expect(page.locator("#case-rows").get_by_role("status")).to_have_text(re.compile(r"^2 cases, at stake"))

    # Its link, opened by a controller, shows the same filter over the controller's own entities.
    view_link = page.get_by_role("navigation", name="Saved views").get_by_role("link", name="Locked periods")
    href = view_link.get_attribute("href")
    assert href is not None and "view=" in href
    carl = sign_in(browser, console_watch, live_server.url, "controller")
    carl.goto(href)
    expect(carl.get_by_role("navigation", name="Saved views").get_by_role("status")).to_contain_text("shared by olivia")
    expect(carl.locator("#case-rows").get_by_role("status")).to_have_text("1 case, at stake $10.00.")
    carl.context.close()
    page.context.close()


def test_a_controller_finds_a_material_request_in_the_inbox_and_decides_it_there(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    LegalEntity.objects.filter(code="US01").update(materiality_threshold="50.00")
    workers.start()
    case = open_blocked_case(live_server, configured["token"], "inbox-material")
    olivia = User.objects.get(username="olivia")
    asked = case_dismiss(
        user=olivia, actor=Actor.person(olivia), case_id=case.pk, reason="the order was cancelled at the till"
    )
    assert asked.state == CaseState.WAITING_APPROVAL

    carl = sign_in(browser, console_watch, live_server.url, "controller")
    nav_inbox = carl.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(r"^Approvals"))
    expect(nav_inbox).to_have_text("Approvals 1")
    expect(carl.get_by_role("region", name="Waiting for your approval").get_by_role("link")).to_have_text("1 request")

    nav_inbox.click()
    expect(carl.get_by_role("heading", name="Approvals waiting for you", level=1)).to_be_visible()
    row = carl.get_by_role("row").filter(has_text="Case decision")
    expect(row).to_contain_text("US01")
    expect(row).to_contain_text("olivia")
    row.get_by_role("link").click()
    expect(carl.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Case {case.pk}"))

    approve = carl.get_by_role("form", name="Approve the request")
    approve.get_by_label("Note").fill("cancellation seen in the till log")
    approve.get_by_role("button", name="Approve", exact=True).click()
    expect(carl.get_by_role("status")).to_contain_text(f"Case {case.pk}: request approved.")
    expect(fact(carl, "State")).to_have_text(re.compile(r"^Dismissed"))

    carl.goto(reverse("approvals-inbox"))
    expect(carl.get_by_role("cell", name="Nothing waits for your decision.")).to_be_visible()
    main_nav = carl.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Approvals", exact=True)).to_be_visible()
    carl.context.close()


# Each label of a filter bar with its control, at the width of a laptop's browser window (a
# checkbox inside its own label cannot part from it).
LABELS_WITH_THEIR_CONTROLS = """() => [...document.querySelectorAll("form.filters label[for]")]
  .filter(label => !label.contains(document.getElementById(label.htmlFor))).map(label => {
  const control = document.getElementById(label.htmlFor);
  const l = label.getBoundingClientRect(), c = control.getBoundingClientRect();
  if (control.type === "checkbox") {  // its label beside it, on its line
    const beside = l.left >= c.right - 1 && l.left - c.right < 12 && l.top < c.bottom && c.top < l.bottom;
    return {label: label.textContent.trim(), above: beside, aligned: true, visible: l.right <= window.innerWidth};
  }
  return {label: label.textContent.trim(), above: l.bottom <= c.top + 1 && c.top - l.bottom < 8,
          aligned: Math.abs(l.left - c.left) < 2, visible: c.right <= window.innerWidth};
})"""


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("operator", "case-list"),
        ("operator", "cause-list"),
        ("auditor", "audit-list"),
        ("controller", "mapping-changes"),
    ],
)
def test_every_filter_label_sits_on_its_control_at_1280_px(
    configured: dict[str, Any], live_server: Any, browser: Browser, console_watch: ConsoleWatch, role: str, path: str
) -> None:
    page = sign_in(browser, console_watch, live_server.url, role)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(reverse(path))
    fields = page.evaluate(LABELS_WITH_THEIR_CONTROLS)
    assert fields, "the page has a filter bar with labelled fields"
    apart = [f["label"] for f in fields if not (f["above"] and f["aligned"] and f["visible"])]
    assert apart == [], f"labels not directly above their control: {apart}"
    page.context.close()
