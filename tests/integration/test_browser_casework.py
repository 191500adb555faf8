"""Working a case in a real browser: headless Chromium against the live server, with
real Celery workers posting into the Odoo sandbox (issue #4).

Each flow signs in through the login form and asserts what the person sees, by
role, label and text. Every page must load without a Content-Security-Policy
violation or an uncaught script error.
"""

from __future__ import annotations

import os
import re
import time
import xmlrpc.client
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect, sync_playwright

from console.casework.models import ExceptionCase
from console.sync.models import LegalEntity
from tests.conftest import PASSWORD, PERSONAS
from tests.factories import invoice_event
from tests.integration.conftest import Workers, wait_until
from tests.integration.http import send
from tests.unit.console.casework.conftest import unmapped_invoice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (scripts/services.sh installs it); never a download
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
POSTED_WITHIN = 30.0  # seconds from the decision until the page shows the case resolved
ODOO_NAME = re.compile(r"INV/\d{4}/\d{5}")


@dataclass
class ConsoleWatch:
    """What the browser complained about: CSP violations and uncaught script errors, per page URL."""

    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        return page

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        if "content security policy" in message.text.lower():
            self.csp.append(f"{page.url}: {message.text}")
        elif message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            # The console has no favicon: Chromium's own request for /favicon.ico answers 404; that is not the page's.
            self.errors.append(f"{page.url}: {message.text} ({message.location.get('url', '')})")


@pytest.fixture
def browser(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """Chromium for one test, started after (and stopped before) the test database.

    Playwright's sync API keeps an asyncio loop running on this thread, so Django
    would refuse the test's own ORM calls (wait_until, a threshold) as if made from
    a coroutine; they are plain synchronous calls between browser steps. Inside
    that loop's context Django opens a connection of its own (its connections are
    context-local): it is closed here, or the test database could not be dropped.
    """
    if os.environ.get("FINOPS_E2E", "1") == "0":
        pytest.skip("FINOPS_E2E=0: browser tests switched off (scripts/services.sh then installs no Chromium)")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/services.sh start installs the Debian package chromium")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            connections.close_all()


@pytest.fixture
def console_watch() -> Iterator[ConsoleWatch]:
    watch = ConsoleWatch()
    yield watch
    assert not watch.csp, "Content-Security-Policy violations:\n" + "\n".join(watch.csp)
    assert not watch.errors, "script errors in the browser:\n" + "\n".join(watch.errors)


def sign_in(browser: Browser, watch: ConsoleWatch, base_url: str, role: str) -> Page:
    """A browser context of its own (its own session cookie), signed in through the login form."""
    context = browser.new_context(base_url=base_url, locale="en-US")
    context.set_default_timeout(10_000)
    page = watch.watch(context.new_page())
    response = page.goto("/accounts/login/")
    assert response is not None and response.ok
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    page.get_by_label("Username").fill(PERSONAS[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(PERSONAS[role])
    return page


def fact(page: Page, term: str) -> Locator:
    """The value (<dd>) the page gives for a term (<dt>) of its fact lists."""
    return (
        page.get_by_role("term")
        .filter(has_text=re.compile(rf"^\s*{re.escape(term)}\s*$"))
        .locator("xpath=following-sibling::dd[1]")
    )


def open_blocked_case(live_server: Any, token: str, external_id: str) -> ExceptionCase:
    """A source sends an invoice with the unmapped tax code VAT20; a worker blocks it and opens a case."""
    status, body = send(live_server.url, token, unmapped_invoice(external_id))
    assert status == 201, body
    event_id = body["event_id"]
    wait_until(lambda: ExceptionCase.objects.filter(event_id=event_id).exists(), timeout=60, what="the case to open")
    return ExceptionCase.objects.get(event_id=event_id)


def open_from_the_list(page: Page, case: ExceptionCase, external_id: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=external_id)
    expect(row).to_contain_text("Missing mapping")
    expect(row).to_contain_text("Open")
    row.get_by_role("link", name=f"#{case.pk}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.pk}: Missing mapping")
    expect(page.get_by_role("region", name="What went wrong")).to_contain_text("VAT20")


def resubmit(page: Page, lines: dict[int, dict[str, str]], reason: str, added: dict[str, str] | None = None) -> None:
    """Through the case's edit-and-resubmit form: each line's fields by their labels (line 1
    first), a line added with the form's own button (no script), a reason, and submit."""
    page.get_by_role("link", name="Edit and resubmit", exact=True).click()
    form = page.get_by_role("form", name="Edit and resubmit")
    expect(form.get_by_label("Partner name")).to_have_value("Blue Harbor Cafe")
    expect(form.get_by_label("Tax code, line 1", exact=True)).to_have_value("VAT20")
    for number, values in lines.items():
        for label, value in values.items():
            form.get_by_label(f"{label}, line {number}", exact=True).fill(value)
    if added:
        form.get_by_role("button", name="Add a line", exact=True).click()
        form = page.get_by_role("form", name="Edit and resubmit")
        number = len(lines) + 1
        expect(form.get_by_label(f"Tax code, line {number}", exact=True)).to_have_value("")
        for label, value in added.items():
            form.get_by_label(f"{label}, line {number}", exact=True).fill(value)
    form.get_by_label("Reason", exact=True).fill(reason)
    form.get_by_role("button", name="Resubmit", exact=True).click()


def reload_until_resolved(page: Page, timeout: float = POSTED_WITHIN) -> None:
    """Reload the case page, as a person would, until it says the case is resolved."""
    deadline = time.monotonic() + timeout
    while True:
        page.reload()
        state = fact(page, "State").inner_text()
        if state.startswith("Resolved"):
            return
        if time.monotonic() > deadline:
            event_state = fact(page, "Event state").inner_text()
            raise AssertionError(f"after {timeout:.0f} s the case is {state!r}, its event {event_state!r}")
        page.wait_for_timeout(500)


def assert_posted(page: Page, sandbox: Any, external_id: str) -> None:
    """The page shows the case resolved and the Odoo record the sandbox holds for this event (one, posted)."""
    expect(fact(page, "State")).to_have_text(re.compile(r"^Resolved"))
    expect(fact(page, "Event state")).to_have_text("Posted")
    expect(fact(page, "Odoo record")).to_contain_text(ODOO_NAME)
    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    moves = proxy.execute_kw(
        "sandbox",
        2,
        "admin",
        "account.move",
        "search_read",
        [[["ref", "=", f"shopify/{external_id}"]]],
        {"fields": ["name", "state"]},
    )
    assert [move["state"] for move in moves] == ["posted"], moves
    expect(fact(page, "Odoo record")).to_contain_text(moves[0]["name"])
    for button in ("Claim", "Retry now", "Dismiss", "Approve"):
        expect(page.get_by_role("button", name=button, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Edit and resubmit", exact=True)).to_have_count(0)


def test_the_csp_watch_sees_a_violation(live_server: Any, browser: Browser) -> None:
    """The watch used below would catch a violation: an image from elsewhere is refused by img-src."""
    watch = ConsoleWatch()
    context = browser.new_context(base_url=live_server.url)
    page = watch.watch(context.new_page())
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const img = new Image(); img.src = 'https://example.invalid/x.png'; document.body.append(img); }"
    )
    deadline = time.monotonic() + 5
    while not watch.csp and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert watch.csp and "img-src" in watch.csp[0], watch
    context.close()


def test_operator_claims_and_resubmits_a_blocked_invoice_which_then_posts(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    workers.start()
    case = open_blocked_case(live_server, configured["token"], "web-vat20")
    page = sign_in(browser, console_watch, live_server.url, "operator")

    open_from_the_list(page, case, "web-vat20")
    expect(fact(page, "State")).to_have_text("Open")
    expect(fact(page, "Assignee")).to_have_text("unassigned")

    page.get_by_role("button", name="Claim", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Case {case.pk}: claimed, it is yours.")
    expect(fact(page, "State")).to_have_text("In progress")
    expect(fact(page, "Assignee")).to_have_text("olivia")
    expect(page.get_by_role("button", name="Claim", exact=True)).to_have_count(0)

    milk_jug = {"Description": "Milk jug", "Quantity": "2", "Unit price": "7.50", "Tax code": "SALES15"}
    resubmit(page, {1: {"Tax code": "SALES15"}}, "VAT20 is the retired code for SALES15", added=milk_jug)
    expect(page.get_by_role("status")).to_contain_text(f"Case {case.pk}: resubmitted with the override.")
    diff = page.get_by_role("table", name="Overridden fields (the payload as received is kept)")
    changed = (("lines.0.tax_code", "VAT20", "SALES15"), ("lines.1.description", "(none)", "Milk jug"))
    for path, before, after in changed:
        row = diff.get_by_role("row").filter(has=page.get_by_role("rowheader", name=path, exact=True))
        expect(row.get_by_role("cell")).to_have_text([before, after])
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("VAT20 is the retired code for SALES15")

    reload_until_resolved(page)
    assert_posted(page, configured["sandbox"], "web-vat20")
    page.context.close()


def test_a_material_override_waits_for_a_controller_who_approves_it(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    LegalEntity.objects.filter(code="US01").update(materiality_threshold="50.00")
    workers.start()
    case = open_blocked_case(live_server, configured["token"], "web-material")

    olivia = sign_in(browser, console_watch, live_server.url, "operator")
    open_from_the_list(olivia, case, "web-material")
    resubmit(olivia, {1: {"Unit price": "90.00", "Tax code": "SALES15"}}, "price keyed wrong at the till")
    expect(olivia.get_by_role("status")).to_contain_text(
        f"Case {case.pk} waits for a controller's approval: the decision is material."
    )
    expect(fact(olivia, "State")).to_have_text("Waiting for approval")
    pending = olivia.get_by_role("region", name="Waiting for a controller")
    expect(pending).to_contain_text("asked by olivia")
    expect(pending).to_contain_text("price keyed wrong at the till")
    for button in ("Approve", "Reject", "Retry now"):
        expect(olivia.get_by_role("button", name=button, exact=True)).to_have_count(0)
    expect(olivia.get_by_role("link", name="Edit and resubmit", exact=True)).to_have_count(0)

    carl = sign_in(browser, console_watch, live_server.url, "controller")
    assert carl.context is not olivia.context
    carl.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
    row = carl.get_by_role("row").filter(has_text="web-material")
    expect(row).to_contain_text("Waiting for approval")
    row.get_by_role("link", name=f"#{case.pk}", exact=True).click()
    asked = carl.get_by_role("region", name="Waiting for a controller")
    expect(asked).to_contain_text("asked by olivia")
    expect(asked).to_contain_text("amount $90.00")
    diff = asked.get_by_role("table", name="Override asked for")
    for path, before, after in (("lines.0.unit_price", "100.00", "90.00"), ("lines.0.tax_code", "VAT20", "SALES15")):
        change = diff.get_by_role("row").filter(has=carl.get_by_role("rowheader", name=path))
        expect(change.get_by_role("cell")).to_have_text([before, after])
    expect(carl.get_by_role("link", name="Edit and resubmit", exact=True)).to_have_count(0)
    approve = carl.get_by_role("form", name="Approve the request")
    approve.get_by_label("Note").fill("checked the till receipt")
    approve.get_by_role("button", name="Approve", exact=True).click()
    expect(carl.get_by_role("status")).to_contain_text(f"Case {case.pk}: request approved.")
    expect(carl.get_by_role("region", name="Waiting for a controller")).to_have_count(0)

    reload_until_resolved(carl)
    assert_posted(carl, configured["sandbox"], "web-material")
    # The operator's session sees the same outcome.
    olivia.reload()
    expect(fact(olivia, "State")).to_have_text(re.compile(r"^Resolved"))
    expect(olivia.get_by_role("region", name="Timeline")).to_contain_text("checked the till receipt")
    carl.context.close()
    olivia.context.close()


def test_a_bulk_retry_shows_its_progress_then_posts_the_cases_of_a_reopened_period(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    sandbox = configured["sandbox"]
    # Odoo's period is closed after the invoices' date: every one fails as a closed-period case.
    sandbox.control.set_lock_date(1, "2026-12-31")
    workers.start()
    prices = {"web-locked-1": "100.00", "web-locked-2": "250.00", "web-locked-3": "40.50"}
    event_ids = []
    for external_id, price in prices.items():
        event = invoice_event(external_id)
        event["data"]["lines"][0]["unit_price"] = price
        status, body = send(live_server.url, configured["token"], event)
        assert status == 201, body
        event_ids.append(body["event_id"])
    # A case of another category, which the filter (and so the bulk action) leaves out.
    other = open_blocked_case(live_server, configured["token"], "web-vat20-aside")
    wait_until(
        lambda: ExceptionCase.objects.filter(event_id__in=event_ids).count() == 3,
        timeout=60,
        what="three closed-period cases",
    )
    cases = list(ExceptionCase.objects.filter(event_id__in=event_ids).select_related("event"))
    assert {case.category for case in cases} == {"closed_period"}
    # The controller reopens the period in Odoo: a retry can post them now.
    sandbox.control.set_lock_date(1, False)

    page = sign_in(browser, console_watch, live_server.url, "operator")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    rows = page.locator("#case-rows")
    expect(rows.get_by_role("status")).to_have_text(re.compile(r"^4 cases, at stake \$[0-9,.]+\.$"))
    filters = page.get_by_role("form", name="Filter the cases")
    filters.get_by_label("Category").select_option(label="Closed period or lock date")
    filters.get_by_role("button", name="Filter", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]category=closed_period(&|$)"))
    expect(rows.get_by_role("status")).to_have_text("3 cases, at stake $390.50.")
    for external_id in prices:
        expect(rows.get_by_role("row").filter(has_text=external_id)).to_contain_text("Closed period or lock date")
    expect(rows.get_by_role("row").filter(has_text="web-vat20-aside")).to_have_count(0)

    bulk = rows.locator("details").filter(has_text="Bulk action on every case this filter selects")
    bulk.get_by_text("Bulk action on every case this filter selects").click()
    bulk.get_by_label("Action").select_option(label="Retry now")
    bulk.get_by_role("button", name="Dry run", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bulk retry now")
    expect(fact(page, "Cases")).to_have_text("3")
    expect(fact(page, "Money at stake")).to_have_text("$390.50")
    expect(fact(page, "State")).to_have_text("Dry run")

    page.get_by_role("button", name="Run it on 3 cases", exact=True).click()
    progress = page.get_by_role("progressbar", name="Progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("max", "3")
    expect(page.get_by_role("heading", name="Result")).to_be_visible(timeout=POSTED_WITHIN * 1000)
    expect(fact(page, "State")).to_have_text("Done")
    expect(progress).to_have_attribute("value", "3")
    summary = page.get_by_role("list").filter(has_text="skipped")
    expect(summary.get_by_role("listitem")).to_have_text(
        ["3 done", "0 waiting for a controller's approval", "0 skipped"]
    )

    for case in cases:
        page.goto(reverse("case-detail", args=[case.pk]))
        reload_until_resolved(page)
        assert_posted(page, sandbox, case.event.external_id)
    page.goto(reverse("case-detail", args=[other.pk]))
    expect(fact(page, "State")).to_have_text("Open")
    page.context.close()


def test_the_keyboard_alone_reaches_a_case(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    workers.start()
    case = open_blocked_case(live_server, configured["token"], "web-keys")
    page = sign_in(browser, console_watch, live_server.url, "operator")

    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("next / previous row")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    page.keyboard.press("g")
    page.keyboard.press("c")
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    page.keyboard.press("/")
    expect(page.get_by_label("Search")).to_be_focused()
    page.keyboard.type("j")  # typed into the field: no shortcut fires while typing
    expect(page.get_by_label("Search")).to_have_value("j")
    page.get_by_label("Search").fill("")
    page.get_by_label("Search").blur()

    page.keyboard.press("j")
    expect(page.get_by_role("link", name=f"#{case.pk}", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.pk}: Missing mapping")
    page.context.close()


def test_the_case_page_leads_with_the_next_action_and_confirms_a_dismissal(
    configured: dict[str, Any], live_server: Any, workers: Workers, browser: Browser, console_watch: ConsoleWatch
) -> None:
    workers.start()
    case = open_blocked_case(live_server, configured["token"], "web-lead")
    page = sign_in(browser, console_watch, live_server.url, "operator")
    open_from_the_list(page, case, "web-lead")

    lead = page.get_by_role("region", name="Next action")
    expect(lead.get_by_role("button", name="Claim", exact=True)).to_have_class("primary")
    lead.get_by_role("button", name="Claim", exact=True).click()
    expect(fact(page, "State")).to_have_text("In progress")
    # Claimed, the next action is the fix: the mapping editor with the code filled in.
    lead = page.get_by_role("region", name="Next action")
    propose = lead.get_by_role("link", name="Propose the tax mapping for VAT20")
    expect(propose).to_have_class("button primary")

    # The payload as the document it is, the raw JSON one click away.
    lines = page.get_by_role("table", name="Lines (amounts in USD)")
    expect(lines.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["Espresso machine", "1", "100.00", "VAT20", "4000", "100.00"]
    )
    raw = page.locator("details.raw pre")
    expect(raw).to_be_hidden()
    page.get_by_text("Raw JSON as received").click()
    expect(raw).to_contain_text('"tax_code": "VAT20"')

    # Dismissing is apart, marked, and asks for its confirmation.
    apart = page.get_by_role("group", name="Close without posting")
    apart.get_by_text("Dismiss…").click()
    form = apart.get_by_role("form", name="Dismiss (never post)")
    form.get_by_label("Reason").fill("a test order from the staging shop")
    confirm = form.get_by_label("I am sure: dismiss it, its event is never posted")
    expect(confirm).not_to_be_checked()
    expect(form.get_by_role("button", name="Dismiss", exact=True)).to_have_class("danger")
    confirm.check()
    form.get_by_role("button", name="Dismiss", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Case {case.pk}: dismissed.")
    expect(fact(page, "State")).to_have_text(re.compile(r"^Dismissed"))
    expect(page.get_by_role("region", name="Next action")).to_contain_text("None: the case is dismissed")
    page.context.close()
