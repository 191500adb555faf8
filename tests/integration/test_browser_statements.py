"""A bank statement file in a real browser (headless Chromium, the live server, a Celery worker
posting into the sandbox): the upload, the preview and its balance check, the confirmation, the
file log, and the lines posted; an unbalanced file's warning, its hold and its cases."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from console.casework.models import ExceptionCase
from console.sync.models import EventState, SyncEvent
from console.sync.services.demo import DEMO_BANK_ACCOUNT
from console.ui.money import money_text
from tests.bench.camt_file import write_camt053
from tests.integration.conftest import Workers, wait_until
from tests.integration.test_browser_casework import ConsoleWatch, browser, console_watch, fact, sign_in
from tests.integration.test_statement_pipeline import odoo_lines

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
__all__ = ["browser", "console_watch"]  # the fixtures, shared with the casework browser tests

POSTED_WITHIN = 60.0
BANK_LINE_NAME = re.compile(r"^BNK1/\d{4}/\d{5}$")


def upload(page: Page, path: Path) -> None:
    """From the file log, through the upload form, to the preview."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statement files", exact=True).click()
    expect(page.get_by_role("heading", name="Statement files", level=1)).to_be_visible()
    page.get_by_role("link", name="Import a statement file").click()
    expect(page.get_by_role("heading", name="Import a statement file", level=1)).to_be_visible()
    page.get_by_label("Entity").select_option("US01")
    page.get_by_label("Source").select_option("bankfeed")
    page.get_by_label("File:", exact=True).set_input_files(path)
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Preview: {path.name}")


def reload_until_posted(page: Page, lines: int) -> None:
    """Reload the statement's page, as a person would, until each of its lines says Posted."""
    table = page.get_by_role("table", name=f"The {lines} lines it created")
    deadline = time.monotonic() + POSTED_WITHIN
    while True:
        page.reload()
        states = table.locator("tbody tr").evaluate_all("rows => rows.map(row => row.dataset.state)")
        if states == ["posted"] * lines:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"after {POSTED_WITHIN:.0f} s the lines are {states}")
        page.wait_for_timeout(500)


def test_an_operator_imports_a_balanced_file_and_sees_its_lines_posted(
    configured: dict[str, Any],
    live_server: Any,
    workers: Workers,
    browser: Browser,
    console_watch: ConsoleWatch,
    tmp_path: Path,
) -> None:
    workers.start()
    camt = write_camt053(tmp_path / "day-2025-01.xml", 10, statements=2, currency="USD", account=DEMO_BANK_ACCOUNT)
    page = sign_in(browser, console_watch, live_server.url, "operator")
    upload(page, camt.path)

    expect(page.get_by_text("Nothing is stored yet.")).to_be_visible()
    expect(fact(page, "Entries")).to_have_text("10: 10 new, 0 imported before, 0 refused")
    expect(fact(page, "Totals")).to_have_text(money_text(camt.closing - camt.opening, "USD", "en_US"))
    statements = page.get_by_role("table", name="Statements")
    rows = statements.locator("tbody tr")
    expect(rows).to_have_count(2)
    for row in rows.all():
        expect(row).to_contain_text(DEMO_BANK_ACCOUNT)
        expect(row).to_contain_text("5 (5 new)")
        expect(row.get_by_role("cell").last).to_have_text("balances")
    assert SyncEvent.objects.count() == 0  # the preview stored nothing

    page.get_by_role("button", name="Import 10 new entries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(camt.path.name)
    expect(page.get_by_role("status")).to_contain_text(f"{camt.path.name}: 10 new entries, 0 imported before.")
    expect(fact(page, "Entries").first).to_have_text("10: 10 new, 0 imported before, 0 refused")
    expect(page.locator("[data-hold=none]")).to_have_count(2)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statement files", exact=True).click()
    logged = page.get_by_role("row").filter(has=page.get_by_role("link", name=camt.path.name))
    expect(logged.get_by_role("cell")).to_have_text(
        [
            "bankfeed",
            "US01",
            "ISO 20022 camt.053",
            re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"),
            "olivia",
            re.compile(r"^[0-9a-f]{12}"),
            "2",
            "10",
            "10",
            "0",
            "0",
        ]
    )
    logged.get_by_role("link", name=camt.path.name).click()
    page.get_by_role("link", name=re.compile(r"^Statement 1: STMT-2025-01-01-1 #1")).click()
    reload_until_posted(page, 5)
    lines = page.get_by_role("table", name="The 5 lines it created").locator("tbody tr")
    for row in lines.all():
        expect(row.get_by_role("cell").nth(4)).to_have_text("Posted")
        expect(row.get_by_role("cell").nth(5)).to_have_text(BANK_LINE_NAME)

    wait_until(
        lambda: SyncEvent.objects.filter(state=EventState.POSTED).count() == 10, timeout=POSTED_WITHIN, what="all 10"
    )
    refs = odoo_lines(configured["sandbox"])
    assert len(refs) == 10 and set(refs.values()) == {1}, refs
    page.context.close()


def test_an_unbalanced_file_is_warned_of_then_held_as_cases_naming_its_difference(
    configured: dict[str, Any],
    live_server: Any,
    workers: Workers,
    browser: Browser,
    console_watch: ConsoleWatch,
    tmp_path: Path,
) -> None:
    workers.start()
    path = tmp_path / "short.xml"
    content = write_camt053(path, 4, currency="USD", account=DEMO_BANK_ACCOUNT).path.read_bytes()
    marked = b'<Cd>OPBD</Cd>\n          </CdOrPrtry>\n        </Tp>\n        <Amt Ccy="USD">10000.00</Amt>'
    path.write_bytes(content.replace(marked, marked.replace(b"10000.00", b"10434.16")))
    problem = "statement 2025-01-01 #1 of account ...4321 does not balance: difference -434.16 USD"
    page = sign_in(browser, console_watch, live_server.url, "operator")
    upload(page, path)

    check = page.get_by_role("table", name="Statements").locator("tbody tr").get_by_role("cell").last
    expect(check).to_have_text("does not balance: difference -434.16 USD: its lines will wait")
    page.get_by_role("button", name="Import 4 new entries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("short.xml")
    expect(page.locator("[data-hold=held]")).to_have_text(f"Its lines wait: {problem}.")

    wait_until(
        lambda: ExceptionCase.objects.filter(event__kind="bank_statement_line").count() == 4,
        timeout=60,
        what="the worker to hold the 4 lines as cases",
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
    filters = page.get_by_role("form", name="Filter the cases")
    filters.get_by_label("Category").select_option(label="Held: its file does not add up")
    filters.get_by_role("button", name="Filter", exact=True).click()
    rows = page.locator("#case-rows")
    expect(rows.get_by_role("status")).to_have_text(re.compile(r"^4 cases, at stake \$[0-9,.]+\.$"))
    case = ExceptionCase.objects.filter(event__kind="bank_statement_line").order_by("pk").first()
    assert case is not None
    rows.get_by_role("link", name=f"#{case.pk}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.pk}: Held: its file does not add up")
    expect(page.get_by_role("region", name="What went wrong")).to_contain_text("difference -434.16 USD")

    # The difference is under US01's materiality: the operator releases it on the statement's page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statement files", exact=True).click()
    page.get_by_role("link", name="short.xml", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^Statement 1: ")).click()
    expect(page.locator("[data-hold=held]")).to_contain_text(problem)
    page.get_by_label("Reason").fill("bank fee of 434.16 booked by hand")
    page.get_by_role("button", name="Release the hold").click()
    expect(page.get_by_role("status")).to_contain_text("Released: its lines are queued to post.")
    expect(page.locator("[data-hold=released]")).to_contain_text("bank fee of 434.16 booked by hand")
    reload_until_posted(page, 4)
    refs = odoo_lines(configured["sandbox"])
    assert len(refs) == 4 and set(refs.values()) == {1}, refs
    page.context.close()
