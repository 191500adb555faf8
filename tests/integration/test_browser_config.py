"""The configuration pages in a real browser (headless Chromium, the live server, the Odoo
sandbox): a materiality threshold proposed by an integration admin waits until a controller who
is not the proposer approves it; a service-account token is shown once, works, and is rotated
with a grace period; a person is invited and chooses their password through the link; an Odoo
connection, once a controller approved it, is tested: server version, sign-in and the groups."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from console.access.models import ServiceAccount, User
from console.access.people import invitation_accept, person_invite
from console.access.roles import Role
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sync.models import LegalEntity, OdooConnection
from tests.conftest import PASSWORD
from tests.integration.test_browser_casework import ConsoleWatch, browser, console_watch, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
__all__ = ["browser", "console_watch"]  # the fixtures, shared with the casework browser tests

PASSWORD_ENV = "ODOO_BROWSER_TEST_PASSWORD"
NEW_PASSWORD = "a-long-passphrase-of-dora-42"


def main_link(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def sign_in_as(browser: Browser, watch: ConsoleWatch, base_url: str, username: str, password: str) -> Page:
    context = browser.new_context(base_url=base_url, locale="en-US")
    context.set_default_timeout(10_000)
    page = watch.watch(context.new_page())
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def signs_in(token: str) -> bool:
    # An event of nobody: a token let in finds nothing (404); one refused is 401.
    status = Client().get("/api/v1/events/999999/", HTTP_AUTHORIZATION=f"Token {token}").status_code
    assert status in (401, 404)
    return status == 404


@pytest.fixture
def cleo(configured: dict[str, Any]) -> User:
    """An integration admin who is also a controller (allowed: only operator and controller are
    exclusive), invited by ian and with her password chosen, through the services."""
    ian = User.objects.get(username="ian")
    invitation = person_invite(
        username="cleo",
        email="",
        full_name="Cleo Admin",
        roles=[Role.ADMIN, Role.CONTROLLER],
        entity_codes=["US01"],
        by=ian,
        actor=Actor.person(ian),
        reason="admin and controller of US01",
    )
    return invitation_accept(user=invitation.user, password=PASSWORD, actor=Actor.system("test"))


def test_a_threshold_waits_for_a_controller_and_never_for_its_proposer(
    configured: dict[str, Any], cleo: User, live_server: Any, browser: Browser, console_watch: ConsoleWatch
) -> None:
    page = sign_in_as(browser, console_watch, live_server.url, "cleo", PASSWORD)
    main_link(page, "Legal entities")
    page.get_by_role("link", name="US01").click()
    page.get_by_label("New materiality threshold").fill("25000")
    page.locator("form[action$='/threshold/']").get_by_label("Reason").fill("the group's auditors raised it")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_role("status").first).to_contain_text("Proposed: the threshold changes when a controller")
    pending = page.get_by_role("region", name="Threshold change waiting for a controller")
    expect(pending).to_contain_text("$10,000.00 → $25,000.00, proposed by cleo")
    expect(pending.get_by_role("button", name="Decide")).to_have_count(0)  # a controller, but the proposer
    page.goto("/config/approvals/")
    expect(page.get_by_text("(yours: another controller decides)")).to_be_visible()
    expect(page.get_by_role("button", name="Decide")).to_have_count(0)
    assert LegalEntity.objects.get(code="US01").materiality_threshold == 10000

    carl = sign_in(browser, console_watch, live_server.url, "controller")
    carl.goto("/config/approvals/")
    carl.get_by_label("Decision").select_option("approve")
    carl.get_by_role("button", name="Decide").click()
    expect(carl.get_by_role("status").first).to_contain_text("Threshold change approved.")
    carl.goto(f"/config/entities/{LegalEntity.objects.get(code='US01').pk}/")
    expect(carl.get_by_role("definition").filter(has_text="$25,000.00")).to_be_visible()
    approved = AuditEvent.objects.get(action="entity.threshold_approved")
    assert approved.actor_label == "carl" and approved.after_data["proposed_by"] == "cleo"


def test_an_admin_creates_a_token_sees_it_once_and_rotates_it(
    configured: dict[str, Any], live_server: Any, browser: Browser, console_watch: ConsoleWatch
) -> None:
    page = sign_in(browser, console_watch, live_server.url, "admin")
    main_link(page, "Source systems")
    page.get_by_role("link", name="stripe", exact=True).click()
    create = page.locator("form[action$='/accounts/new/']")
    create.get_by_label("Name").fill("stripe-eu-prod")
    create.get_by_label("US01").check()
    create.get_by_label("Reason").fill("the EU shop's payments")
    create.get_by_role("button", name="Create and show its token").click()
    expect(page.get_by_role("heading", name="The token of stripe-eu-prod")).to_be_visible()
    token = page.locator("[data-token]").inner_text().strip()
    assert token.startswith("fos_") and signs_in(token)
    page.goto("/config/sources/stripe/")  # the page read again no longer holds it (only the POST's answer did)
    expect(page.locator("[data-token]")).to_have_count(0)
    assert token not in page.content()

    page.get_by_text("Rotate or revoke the token of stripe-eu-prod").click()
    rotate = page.locator(f"form[action$='/accounts/{ServiceAccount.objects.get(name='stripe-eu-prod').pk}/rotate/']")
    rotate.get_by_label("The old token keeps working for").select_option("1h")
    rotate.get_by_label("Reason").fill("yearly rotation")
    rotate.get_by_role("button", name="Rotate the token").click()
    new = page.locator("[data-token]").inner_text().strip()
    assert new != token and signs_in(new) and signs_in(token)  # the old one, for its hour
    page.goto("/config/sources/stripe/")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="stripe-eu-prod"))
    expect(row).to_contain_text("the replaced token works until")
    assert AuditEvent.objects.get(action="service_account.token_rotated").after_data["grace_seconds"] == 3600


def test_an_admin_invites_a_person_who_chooses_a_password(
    configured: dict[str, Any], live_server: Any, browser: Browser, console_watch: ConsoleWatch
) -> None:
    page = sign_in(browser, console_watch, live_server.url, "admin")
    main_link(page, "People")
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Username").fill("dora")
    page.get_by_label("Full name").fill("Dora Keller")
    page.get_by_label("Auditor").check()
    page.get_by_label("US01").check()
    page.get_by_label("Reason").fill("year-end audit")
    page.get_by_role("button", name="Add and show the invitation link").click()
    expect(page.get_by_role("heading", name="dora is invited")).to_be_visible()
    link = page.locator("[data-invitation]").inner_text().strip()
    assert link.startswith(live_server.url + "/accounts/invitation/")

    invited = browser.new_context(locale="en-US").new_page()
    console_watch.watch(invited)
    invited.goto(link)
    invited.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    invited.get_by_label("New password confirmation:", exact=True).fill(NEW_PASSWORD)
    invited.get_by_role("button", name="Set my password").click()
    expect(invited.get_by_role("button", name="Sign in")).to_be_visible()
    dora = sign_in_as(browser, console_watch, live_server.url, "dora", NEW_PASSWORD)
    expect(dora.get_by_role("banner")).to_contain_text("dora")
    # Once only: a used link answers 404 (not watched: the browser logs that 404 as an error).
    again = browser.new_context(locale="en-US").new_page()
    response = again.goto(link)
    assert response is not None and response.status == 404
    expect(again.get_by_role("alert")).to_contain_text("This invitation link is not valid")


def test_a_connection_approved_by_a_controller_is_tested_with_and_without_the_bank_line_group(
    configured: dict[str, Any],
    live_server: Any,
    browser: Browser,
    console_watch: ConsoleWatch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sandbox = configured["sandbox"]
    monkeypatch.setenv(PASSWORD_ENV, "admin")  # the live server's thread reads this process's environment
    page = sign_in(browser, console_watch, live_server.url, "admin")
    main_link(page, "Odoo connections")
    new = page.locator("form[action$='/connections/new/']")
    for label, value in (
        ("Name", "odoo-us"),
        ("URL", sandbox.url),
        ("Database", "sandbox"),
        ("Login", "admin"),
        ("Password variable", PASSWORD_ENV),
        ("Timeout (seconds)", "5"),
        ("Reason", "the US books get their own database"),
    ):
        new.get_by_label(f"{label}:", exact=True).fill(value)
    new.get_by_role("button", name="Propose").click()
    expect(page.get_by_role("status").first).to_contain_text("Proposed: the connection exists once")

    carl = sign_in(browser, console_watch, live_server.url, "controller")
    carl.goto("/config/approvals/")
    carl.get_by_label("Decision").select_option("approve")
    carl.get_by_role("button", name="Decide").click()
    expect(carl.get_by_role("status").first).to_contain_text("Connection change approved.")

    page.goto(f"/config/connections/{OdooConnection.objects.get(name='odoo-us').pk}/")
    page.get_by_role("button", name="Test connection").click()
    report = page.get_by_role("region", name="Test of odoo-us")
    expect(report.get_by_role("status")).to_contain_text(
        re.compile(r"Odoo 18\.0 answered over XML-RPC \(Odoo 17, 18\); signing in as admin works")
    )
    expect(report.get_by_role("status")).to_contain_text("may post every kind of document")
    expect(report).to_contain_text("bank statement lines: may post")

    sandbox.control.set_full_accounting(False)
    page.get_by_role("button", name="Test connection").click()
    report = page.get_by_role("region", name="Test of odoo-us")
    expect(report.get_by_role("status")).to_contain_text("cannot post everything")
    expect(report.get_by_role("listitem").filter(has_text="bank statement lines")).to_contain_text(
        "cannot post: The Odoo user 'admin' lacks 'Show Full Accounting Features'"
    )
    expect(report).to_contain_text("customer invoices: may post")
    assert AuditEvent.objects.filter(action="odoo_connection.tested").count() == 2
