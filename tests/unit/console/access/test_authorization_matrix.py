"""Every URL of the project x every role, with objects of a granted entity (US01) and of a
foreign one (FR01, granted to nobody here).

A URL missing from MATRIX fails the test: a new page or endpoint must say who may use it.
For each URL and method, the roles MATRIX names get exactly their documented answer (a 2xx,
or the redirect or status the feature documents) on the granted objects; every other role is
refused: 401/403 (or 405 for a method the URL does not take), a sign-in redirect for a visitor
who is not signed in, never a 2xx and never another redirect (a redirect answered to a
forbidden POST counts as a failure: it is how a form says "done"). On the foreign objects
nobody gets a 2xx, and nothing of FR01 shows in any answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from console.access.models import ServiceAccount, User
from console.casework.models import BulkRun, ExceptionCase
from console.mappings.models import ChangeRequest
from console.reconciliation.models import MatchingRule
from console.sync.models import Flow, LegalEntity, SourceSystem, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import PERSONAS, feed_token, login
from tests.factories import invoice_event
from tests.unit.console.casework.conftest import ingest, unmapped_invoice
from tests.unit.console.mappings.conftest import proposed

pytestmark = pytest.mark.django_db

ROLES = ("operator", "controller", "auditor", "admin")
EVERYONE = ("anonymous", "service", *ROLES)
READERS = ("operator", "controller", "auditor")


def each(roles: tuple[str, ...] | list[str], answer: int | str) -> dict[str, int | str]:
    return dict.fromkeys(roles, answer)


@dataclass(frozen=True)
class Use:
    """Who gets what on the granted objects. An answer is a status, or "302 <path start>" for a
    redirect whose target must start so. A POST sends `body` (form fields, or JSON for the API)."""

    get: dict[str, int | str] = field(default_factory=dict)
    post: dict[str, int | str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    api: bool = False


CASE = "/cases/{case}/"
CONNECTION = {
    "name": "matrix-new",
    "url": "https://odoo.example.com",
    "database": "prod",
    "login": "bot",
    "protocol": "xmlrpc",
    "password_env": "ODOO_MATRIX_PASSWORD",
    "timeout_seconds": "30",
    "reason": "its own database",
}
CHANGE = "/mappings/changes/{draft}/"
TODAY = str(timezone.now().date())
CONTROL_TOTAL = {
    "kind": "control_total",
    "flow": "shopify:customer_invoice",
    "entity": "US01",
    "day": TODAY,
    "count": 1,
    "amounts": {"USD": "100.00"},
}
MATRIX: dict[str, Use] = {
    "overview": Use(get=each(ROLES, 200)),
    "healthcheck": Use(get=each(EVERYONE, 200)),
    # A POST without credentials re-renders the form with its errors.
    "login": Use(get=each(EVERYONE, 200), post=each(EVERYONE, 200)),
    "logout": Use(post=each(EVERYONE, "302 /accounts/login/")),
    "api-events-ingest": Use(post={"service": 201}, body=invoice_event("matrix-new-order"), api=True),
    "api-events-detail": Use(get={"service": 200}, api=True),
    "api-schema": Use(get=each([*ROLES, "service"], 200), api=True),
    "audit-list": Use(get={"auditor": 200}),
    "audit-object": Use(get={"auditor": 200}),
    "audit-export": Use(get={"auditor": 200}),
    # "Verify the chain now": the result (or "once a minute") is a message on the trail's page.
    "audit-verify": Use(post={"auditor": "302 /audit/"}),
    "people-list": Use(get={"admin": 200}),
    "close-start": Use(get=each(READERS, "302 /close/US01/")),
    "close-period": Use(get=each(READERS, 200)),
    "close-list": Use(get=each(READERS, 200)),
    # Anyone signed in sets their own zone; a POST sets it and comes back to the page.
    "my-settings": Use(get=each(ROLES, 200), post=each(ROLES, "302 /access/me/"), body={"time_zone": "Europe/Paris"}),
    "person-access": Use(
        get={"admin": 200},
        post={"admin": "302 /access/people/"},
        body={"roles": ["operator", "auditor"], "entities": ["US01"], "reason": "covers the audit"},
    ),
    "person-add": Use(
        get={"admin": 200},
        post={"admin": 200},  # the invitation link is in this answer only
        body={"username": "matrix-nina", "roles": ["operator"], "entities": ["US01"], "reason": "joins"},
    ),
    "person-deactivate": Use(post={"admin": "302 /access/people/"}, body={"reason": "left"}),
    # A made-up invitation link: not found, for everyone.
    "invitation-accept": Use(get=each(EVERYONE, 404), post=each(EVERYONE, 404)),
    "case-list": Use(get=each(READERS, 200)),
    "cause-list": Use(get=each(READERS, 200)),
    # The list's filter as a file (audited); its readers of their own entities only.
    "case-export-csv": Use(get=each(READERS, 200)),
    "case-export-xlsx": Use(get=each(READERS, 200)),
    # Saved views: a reader's own. The granted view is olivia's: another person's is not found (404).
    "saved-view-list": Use(get=each(READERS, 200)),
    "saved-view-save": Use(post=each(READERS, "302 /cases/?view="), body={"name": "matrix view", "query": "state=all"}),
    "saved-view-rename": Use(
        post={"operator": "302 /cases/views/", "controller": 404, "auditor": 404}, body={"name": "renamed"}
    ),
    "saved-view-default": Use(
        post={"operator": "302 /cases/views/", "controller": 404, "auditor": 404}, body={"default": "on"}
    ),
    "saved-view-delete": Use(post={"operator": "302 /cases/views/", "controller": 404, "auditor": 404}),
    # Requests waiting for a controller's decision.
    "approvals-inbox": Use(get={"controller": 200}),
    "case-detail": Use(get=each(READERS, 200)),
    # The confirmation page of "turn into a credit note": an operator's action only.
    "case-credit-note": Use(get={"operator": 200}),
    # Edit-and-resubmit's form: an operator's; posted empty it says what is missing.
    "case-resubmit": Use(get={"operator": 200}, post={"operator": 400}),
    "case-action": Use(
        post={"operator": f"302 {CASE}", "controller": f"302 {CASE}"}, body={"text": "asked the tax team"}
    ),
    "bulk-preview": Use(
        post={"operator": "302 /cases/bulk/", "controller": "302 /cases/bulk/"},
        body={"action": "assign", "assignee": "olivia", "filter": ""},
    ),
    "bulk-new": Use(get={"operator": 200, "controller": 200}),
    # The run is olivia's: another person's run is not theirs to see or start (404).
    "bulk-detail": Use(get={"operator": 200, "controller": 404}),
    "bulk-confirm": Use(post={"operator": "302 /cases/bulk/", "controller": 404}),
    "event-search": Use(get=each(READERS, 200)),
    "event-story": Use(get=each(READERS, 200)),
    "event-list": Use(get=each(READERS, 200)),
    "attempt-list": Use(get=each(READERS, 200)),
    "repeat-list": Use(get=each(READERS, 200)),
    "mapping-index": Use(get=each(READERS, 200)),
    "mapping-changes": Use(get=each(READERS, 200)),
    "mapping-change": Use(get=each(READERS, 200)),
    "mapping-change-action": Use(
        post={"operator": f"302 {CHANGE}", "controller": f"302 {CHANGE}"}, body={"text": "see the tax memo"}
    ),
    "mapping-kind": Use(get=each(READERS, 200)),
    "mapping-history": Use(get=each(READERS, 200)),
    "mapping-refresh": Use(post={"operator": "302 /mappings/US01/tax/", "controller": "302 /mappings/US01/tax/"}),
    "mapping-export": Use(get=each(READERS, 200)),
    # Without a file or fields the import and proposal forms re-render with their errors.
    "mapping-import": Use(post={"operator": 400, "controller": 400}),
    "mapping-propose": Use(post={"operator": 400, "controller": 400}),
    "api-mappings": Use(get=each(READERS, 200), api=True),
    "api-mapping-changes": Use(get=each(READERS, 200), post={"operator": 400, "controller": 400}, api=True),
    "api-mapping-change": Use(get=each(READERS, 200), api=True),
    # The draft is olivia's: only its author submits it (carl is refused by the maker-checker rule).
    "api-mapping-submit": Use(post={"operator": 200}, api=True),
    "api-mapping-approve": Use(post={"controller": 200}, api=True),
    "api-mapping-reject": Use(post={"controller": 200}, body={"note": "not this code"}, api=True),
    # A webhook endpoint answers a request without the provider's signature 401, whoever sends it.
    "webhook-shopify": Use(post=each(EVERYONE, 401)),
    "webhook-stripe": Use(post=each(EVERYONE, 401)),
    "delivery-endpoints": Use(get={"admin": 200, "auditor": 200}),
    "delivery-endpoint": Use(get={"admin": 200, "auditor": 200}),
    "delivery-list": Use(get={"admin": 200, "auditor": 200}),
    "delivery-refusals": Use(get={"admin": 200, "auditor": 200}),
    "delivery-detail": Use(get={"admin": 200, "auditor": 200}),
    "file-index": Use(get=each(ROLES, 200)),
    "file-detail": Use(get=each(ROLES, 200)),
    "statement-detail": Use(get=each(ROLES, 200)),
    # Without a file the upload and confirm forms re-render with their errors.
    "file-upload": Use(get={"operator": 200, "admin": 200}, post={"operator": 400, "admin": 400}),
    "file-confirm": Use(post={"operator": 400, "admin": 400}),
    # The granted statement is held for a small difference: an operator or a controller releases it.
    "statement-release": Use(
        post={"operator": "302 /files/statements/", "controller": "302 /files/statements/"}, body={"reason": "checked"}
    ),
    "payroll-index": Use(get=each(ROLES, 200)),
    "payroll-detail": Use(get=each(ROLES, 200)),
    # Without a file the upload and confirm forms re-render with their errors.
    "payroll-upload": Use(get={"operator": 200, "admin": 200}, post={"operator": 400, "admin": 400}),
    "payroll-confirm": Use(post={"operator": 400, "admin": 400}),
    # The granted run is held for a small difference: an operator or a controller releases it.
    "payrun-release": Use(
        post={"operator": "302 /files/payroll/", "controller": "302 /files/payroll/"}, body={"reason": "checked"}
    ),
    # Flows: everyone of a role reads them; an integration admin changes the settings; operators,
    # controllers and admins pause; controllers and admins resume (pause is walked first).
    "flow-list": Use(get=each(ROLES, 200)),
    "flow-detail": Use(get=each(ROLES, 200)),
    "flow-settings": Use(
        post={"admin": "302 /flows/{flow}/"},
        body={
            "name": "US orders",
            "business_process": "order_to_cash",
            "mode": "batch",
            "slo_amount": "2",
            "slo_unit": "hours",
            "reason": "nightly",
        },
    ),
    "flow-pause": Use(
        post=each(["operator", "controller", "admin"], "302 /flows/{flow}/"), body={"reason": "incident"}
    ),
    "flow-resume": Use(post=each(["controller", "admin"], "302 /flows/{flow}/"), body={"reason": "incident over"}),
    # Source systems: integration admins change them and their service accounts, auditors read.
    # A new or rotated token is in the answer (200), never behind a redirect.
    "source-list": Use(get={"admin": 200, "auditor": 200}),
    "source-detail": Use(get={"admin": 200, "auditor": 200}),
    "source-settings": Use(
        post={"admin": "302 /config/sources/{source}/"},
        body={"name": "US shop", "is_active": "on", "secret_env": "SHOP_US_SECRET", "reason": "renamed"},
    ),
    "source-account-create": Use(
        post={"admin": 200}, body={"name": "matrix-new", "entities": ["US01"], "reason": "the ERP sends"}
    ),
    "source-account-rotate": Use(post={"admin": 200}, body={"grace": "1h", "reason": "yearly"}),
    "source-account-revoke": Use(post={"admin": "302 /config/sources/{source}/"}, body={"reason": "gone"}),
    # Configuration: everyone reads their legal entities; an integration admin changes them and
    # proposes a threshold (US01 has the world's proposal waiting, so the form re-renders naming
    # it); a controller decides it. Connections are the integration admins'; a change of one is
    # decided by a second admin or a controller (the world's is a new connection iris proposed).
    "config-entities": Use(get=each(ROLES, 200)),
    "config-entity": Use(get=each(ROLES, 200)),
    "config-entity-settings": Use(
        post={"admin": "302 /config/entities/{entity_pk}/"},
        body={"name": "Acme Inc.", "odoo_company_id": "1", "currency": "USD", "connection": "", "reason": "m"},
    ),
    "config-entity-threshold": Use(post={"admin": 400}, body={"threshold": "2000", "reason": "stricter"}),
    "config-threshold-decide": Use(
        post={"controller": "302 /config/entities/{entity_pk}/"}, body={"decision": "approve", "note": "agreed"}
    ),
    "config-connections": Use(get={"admin": 200}),
    "config-connection-new": Use(post={"admin": "302 /config/approvals/"}, body=CONNECTION),
    "config-connection": Use(get={"admin": 200}),
    "config-connection-change": Use(
        post={"admin": "302 /config/connections/{connection}/"}, body={**CONNECTION, "name": "odoo-us"}
    ),
    "config-connection-test": Use(post={"admin": 200}),
    "config-connection-decide": Use(
        post=each(["controller", "admin"], "302 /config/approvals/"), body={"decision": "approve", "note": "checked"}
    ),
    "config-approvals": Use(get={"controller": 200, "admin": 200}),
    # Reconciliation: finance reads its entities' runs, operators and controllers run a day (the
    # page answers with the run), auditors export the evidence; a source's token sends its totals.
    "api-control-totals": Use(post={"service": 201}, body=CONTROL_TOTAL, api=True),
    "recon-run-list": Use(get=each(READERS, 200)),
    "recon-run-detail": Use(get=each(READERS, 200)),
    "recon-run-events": Use(get=each(READERS, 200)),
    "recon-run-again": Use(post=each(["operator", "controller"], "302 /reconciliation/runs/{recon}/")),
    "recon-run-start": Use(post=each(["operator", "controller"], "302 /reconciliation/runs/"), body={"day": TODAY}),
    "recon-case-run": Use(get=each(READERS, "302 /reconciliation/runs/{recon}/")),
    "recon-evidence": Use(get={"auditor": 200}),
    # Cross-source matching: finance readers read; controllers change the rules (a finance
    # control); operators and controllers ask for a run now. The rule form without its fields
    # re-renders with its errors.
    "matching-page": Use(get=each(READERS, 200)),
    "matching-matched": Use(get=each(READERS, 200)),
    "matching-unmatched": Use(get=each(READERS, 200)),
    "matching-rule-new": Use(get={"controller": 200}, post={"controller": 400}),
    "matching-rule-edit": Use(get={"controller": 200}, post={"controller": 400}),
    "matching-run": Use(post=each(["operator", "controller"], "302 /reconciliation/US01/matching/")),
    # Any other address under /api/: a JSON 404 for everyone, signed in or not.
    "api-not-found": Use(get=each(EVERYONE, 404), post=each(EVERYONE, 404), api=True),
}
# URLs naming their object in the query rather than the path.
WITH_ENTITY_QUERY = ("api-mappings", "audit-export", "audit-object")
# Django's admin is for staff only; the personas are not staff (tests/unit/console/test_admin*.py).
SKIPPED_PREFIXES = ("admin:",)


def _patterns(resolvers: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def _case(event: SyncEvent) -> ExceptionCase:
    now = timezone.now()
    return ExceptionCase.objects.create(
        event=event,
        entity=event.entity,
        flow_id=event.flow_id,
        category="missing_mapping",
        severity="medium",
        summary=f"{event.external_id} is blocked",
        amount=event.amount,
        currency=event.currency,
        owner_team="Finance operations",
        opened_at=now,
        sla_due_at=now + timedelta(hours=8),
        last_failure_at=now,
    )


@pytest.fixture
def world(configured: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The objects every URL is tried with: US01's (granted to the personas) and FR01's."""
    sandbox = configured["sandbox"]
    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    [us_event] = ingest(configured["token"], unmapped_invoice("us-blocked-order"))
    # The demo's token feeds US01 only: FR01's event comes from a service account of its own.
    [fr_event] = ingest(feed_token("FR01"), invoice_event("fr-secret-order", entity="FR01"))
    events_drain()
    olivia = User.objects.get(username="olivia")
    us_case = ExceptionCase.objects.get(event_id=us_event)
    fr_case = ExceptionCase.objects.filter(event_id=fr_event).first() or _case(SyncEvent.objects.get(pk=fr_event))
    now = timezone.now()
    run = BulkRun.objects.create(action="retry", case_ids=[us_case.pk], total=1, requested_by=olivia, created_at=now)
    fr_change = ChangeRequest.objects.create(
        entity=fr, title="fr-secret-order tax change", requested_by=olivia, created_at=now
    )
    fabienne = _fr_person(fr)
    fr_run = BulkRun.objects.create(
        action="retry", case_ids=[fr_case.pk], total=1, requested_by=fabienne, created_at=now
    )
    us_shop, us_delivery = _webhook_endpoint("shopify", "shop-us", "US01", "us-webhook-order")
    us_stripe, _ = _webhook_endpoint("stripe", "stripe-us", "US01", "us-webhook-charge")
    fr_shop, fr_delivery = _webhook_endpoint("shopify", "shop-fr", "FR01", "fr-secret-order")
    fr_stripe, _ = _webhook_endpoint("stripe", "stripe-fr", "FR01", "fr-secret-order")
    us_account = _tokened_account(us_shop, "US01")
    fr_account = ServiceAccount.objects.get(name="feed-FR01").pk
    us_file, us_statement = _statement_file("US01", "us-statement")
    fr_file, fr_statement = _statement_file("FR01", "fr-secret-order")
    us_payroll, us_payrun = _payroll_file("US01", "us-payroll")
    fr_payroll, fr_payrun = _payroll_file("FR01", "fr-secret-order")
    config = _config_objects(fr, fabienne)
    us_view, fr_view = _saved_view(olivia, "state=open"), _saved_view(fabienne, "q=fr-secret-order")
    us_recon, fr_recon = _recon_run("US01", us_case), _recon_run("FR01", fr_case)
    common = {"token": configured["token"], "kind": "tax", "action": "comment"}
    return {
        "granted": {
            **common,
            "entity": "US01",
            "run": run.pk,
            "event": us_event,
            "case": us_case.pk,
            "user": olivia.pk,
            "draft": proposed(sandbox, "VAT21", submit=False).pk,
            "submitted": proposed(sandbox, "VAT20").pk,
            "submitted_too": proposed(sandbox, "VAT19").pk,
            "shopify": us_shop,
            "stripe": us_stripe,
            "delivery": us_delivery,
            "file": us_file,
            "statement": us_statement,
            "payroll": us_payroll,
            "payrun": us_payrun,
            "flow": Flow.objects.filter(source__code=us_shop).order_by("pk").values_list("pk", flat=True)[0],
            "source": us_shop,
            "account": us_account,
            "saved_view": us_view,
            "recon": us_recon,
            "matching_rule": MatchingRule.objects.filter(entity__code="US01").order_by("pk")[0].pk,
            **config["granted"],
        },
        "foreign": {
            **common,
            "entity": "FR01",
            "run": fr_run.pk,
            "event": fr_event,
            "case": fr_case.pk,
            # A person who holds FR01: no admin here holds it, so their page is nobody's to see.
            "user": fabienne.pk,
            "draft": fr_change.pk,
            "submitted": fr_change.pk,
            "submitted_too": fr_change.pk,
            "shopify": fr_shop,
            "stripe": fr_stripe,
            "delivery": fr_delivery,
            "file": fr_file,
            "statement": fr_statement,
            "payroll": fr_payroll,
            "payrun": fr_payrun,
            "flow": Flow.objects.filter(source__code=fr_shop).order_by("pk").values_list("pk", flat=True)[0],
            "source": fr_shop,
            "account": fr_account,
            "saved_view": fr_view,
            "recon": fr_recon,
            "matching_rule": _fr_matching_rule(),
            **config["foreign"],
        },
    }


def _config_objects(fr: LegalEntity, fabienne: User) -> dict[str, dict[str, int]]:
    """A threshold proposal and an Odoo connection with a change waiting, of each entity. US01
    keeps the default connection (the mapping refresh reads Odoo through it); its connection
    here is one no entity uses yet."""
    from console.access.roles import Role
    from console.access.services import user_create
    from console.audit.actors import Actor
    from console.sync.models import ConnectionChange, OdooConnection, ThresholdChange
    from console.sync.services.connection_config import ConnectionValues

    now, us = timezone.now(), LegalEntity.objects.get(code="US01")
    ian = User.objects.get(username="ian")
    iris = user_create(
        username="iris", password="x-not-used-x", role=Role.ADMIN, entity_codes=["US01"], actor=Actor.system("t")
    )
    us_conn = OdooConnection.objects.create(
        name="odoo-us", url="https://odoo.example.com", database="us", login="bot", password_env="ODOO_US_PASSWORD"
    )
    fr_conn = OdooConnection.objects.create(
        name="fr-secret-order-odoo", url="https://fr.example.com", database="fr", login="bot", password_env="ODOO_FR"
    )
    LegalEntity.objects.filter(pk=fr.pk).update(connection=fr_conn)
    values = {key: value for key, value in CONNECTION.items() if key != "reason"} | {"timeout_seconds": 30}
    proposal, ours = {"reason": "fr-secret-order", "proposed_at": now}, {"reason": "audit rule", "proposed_at": now}
    us_threshold = ThresholdChange.objects.create(
        entity=us, threshold_before="10000.00", threshold_after="5000.00", proposed_by=ian, **ours
    )
    fr_threshold = ThresholdChange.objects.create(
        entity=fr, threshold_before="10000.00", threshold_after="5000.00", proposed_by=fabienne, **proposal
    )
    us_change = ConnectionChange.objects.create(after={**values, "name": "odoo-us-new"}, proposed_by=iris, **ours)
    fr_change = ConnectionChange.objects.create(
        connection=fr_conn,
        before=ConnectionValues.of(fr_conn).as_json(),
        after=values,
        proposed_by=fabienne,
        **proposal,
    )
    return {
        "granted": {
            "entity_pk": us.pk,
            "threshold_change": us_threshold.pk,
            "connection": us_conn.pk,
            "connection_change": us_change.pk,
        },
        "foreign": {
            "entity_pk": fr.pk,
            "threshold_change": fr_threshold.pk,
            "connection": fr_conn.pk,
            "connection_change": fr_change.pk,
        },
    }


def _webhook_endpoint(provider: str, code: str, entity: str, secret_text: str) -> tuple[str, int]:
    """A webhook endpoint of the entity and one delivery of it, whose body holds `secret_text`."""
    from console.audit.actors import Actor
    from console.sources.models import WebhookDelivery
    from console.sources.services.endpoints import webhook_endpoint_set

    source = webhook_endpoint_set(
        actor=Actor.system("test"),
        user=None,
        code=code,
        provider=provider,
        entity_code=entity,
        secret_env=f"{code.upper().replace('-', '_')}_SECRET",
    ).source
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        source=source,
        provider=provider,
        topic="orders/paid",
        provider_event_id=f"evt-{code}",
        body=f'{{"name": "{secret_text}"}}'.encode(),
        body_sha256="0" * 64,
        received_at=now,
        verified_at=now,
        answer_ms=1.0,
    )
    return code, delivery.pk


def _tokened_account(source_code: str, entity: str) -> int:
    """A service account with a token, of the source and the entity: the one rotated and revoked."""
    from console.access.services import service_account_create
    from console.audit.actors import Actor

    account, _ = service_account_create(
        name=f"matrix-{source_code}", source_codes=[source_code], entity_codes=[entity], actor=Actor.system("test")
    )
    return account.pk


def _statement_file(entity: str, secret_text: str) -> tuple[int, int]:
    """A statement file of the entity whose one statement does not balance (held), named `secret_text`."""
    from console.audit.actors import Actor
    from console.sources.services.statement_import import statement_file_import
    from tests.unit.console.sources.statement_pieces import entry, statement

    source = SourceSystem.objects.get(code="bankfeed")
    file = statement_file_import(
        source=source,
        entity=LegalEntity.objects.get(code=entity),
        name=f"{secret_text}.xml",
        fmt="camt053",
        profile="",
        content=secret_text.encode(),
        pieces=statement(entry("250.00", ref=f"{secret_text}-1", remittance=secret_text), closing="1.00"),
        user=None,
        actor=Actor.system("test"),
    )
    return file.pk, file.statements.get().pk


def _payroll_file(entity: str, secret_text: str) -> tuple[int, int]:
    """A payroll file of the entity, named `secret_text`, whose one run does not agree: held in
    US01; in FR01 (which books in EUR) a Gusto run in USD cannot post at all."""
    from datetime import date

    from tests.unit.console.sources.payroll_pieces import bring_in_payroll, gusto_runs, with_company_debit

    content = with_company_debit(gusto_runs((f"{secret_text}-run", date(2026, 11, 30), "1000.00")), "1000.00")
    file = bring_in_payroll(content, name=f"{secret_text}.json", entity=entity)
    return file.pk, file.runs.get().pk


def _saved_view(owner: User, query: str) -> int:
    from console.casework.models import SavedView

    now = timezone.now()
    return SavedView.objects.create(owner=owner, name="mine", query=query, created_at=now, updated_at=now).pk


def _recon_run(entity: str, case: ExceptionCase) -> int:
    """A run of the entity's Shopify orders today, whose one difference is the case."""
    from console.reconciliation.models import Difference, ReconciliationRun

    now = timezone.now()
    run = ReconciliationRun.objects.create(
        entity=LegalEntity.objects.get(code=entity),
        flow=Flow.objects.get(source__code="shopify", event_kind="customer_invoice"),
        day=now.date(),
        status="differences",
        received={"count": 1, "amounts": {"USD": "100.00"}},
        posted={"count": 0, "amounts": {}},
        odoo={"count": 0, "amounts": {}},
        differences_open=1,
        started_by="system:test",
        started_at=now,
        finished_at=now,
    )
    Difference.objects.create(
        run=run,
        key=f"event:{case.event_id}",
        category="not_in_odoo",
        event_id=case.event_id,
        message="x",
        case=case,
        found_at=now,
    )
    return run.pk


def _fr_matching_rule() -> int:
    """FR01's rule, named so that its name showing anywhere is a leak."""
    from console.audit.actors import Actor
    from console.reconciliation.services.matching_rules import RuleValues, matching_rule_create

    values = RuleValues(
        name="fr-secret-order payouts",
        left_source="stripe",
        left_kind="journal_entry",
        left_label="payout",
        right_source="bankfeed",
        right_kind="bank_statement_line",
        match_by="amount",
    )
    rule = matching_rule_create(user=None, actor=Actor.system("test"), entity_code="FR01", values=values, reason="t")
    return rule.pk


def _fr_person(fr: LegalEntity) -> User:
    from guardian.shortcuts import assign_perm

    person = User.objects.create_user("fabienne", password="x-not-used-x")
    assign_perm("sync.view_legalentity", person, fr)
    return person


def _url(name: str, pattern: str, objects: dict[str, Any]) -> str:
    request = {"api-mapping-submit": "draft", "api-mapping-reject": "submitted_too"}.get(name, "submitted")
    if name in ("mapping-change", "mapping-change-action", "api-mapping-change"):
        request = "draft"
    values = {
        "<int:event_id>": objects["event"],
        "<str:object_type>": "sync_event",
        "<str:object_id>": objects["event"],
        "<path:object_id>": objects["event"],
        "<str:fmt>": "json",
        "<int:user_id>": objects["user"],
        "<int:run_id>": objects["run"],
        "<int:case_id>": objects["case"],
        "<str:action>": objects["action"],
        "<int:request_id>": objects[request],
        "<str:entity_code>": objects["entity"],
        "<str:kind>": objects["kind"],
        "<str:code>": objects["stripe" if name == "webhook-stripe" else "shopify"],
        "<int:delivery_id>": objects["delivery"],
        "<int:file_id>": objects["file"],
        "<int:statement_id>": objects["statement"],
        "<int:payroll_file_id>": objects["payroll"],
        "<int:payrun_id>": objects["payrun"],
        "<int:flow_id>": objects["flow"],
        "<str:source_code>": objects["source"],
        "<int:account_id>": objects["account"],
        "<uidb64>": "Tm8",
        "<token>": "no-such-invitation",
        "<int:entity_id>": objects["entity_pk"],
        "<int:threshold_change_id>": objects["threshold_change"],
        "<int:connection_id>": objects["connection"],
        "<int:connection_change_id>": objects["connection_change"],
        "<int:view_id>": objects["saved_view"],
        "<str:period>": "2026-11",
        "<str:figure>": "waiting",
        "<int:recon_run_id>": objects["recon"],
        "<int:rule_id>": objects["matching_rule"],
    }
    url = "/" + pattern.lstrip("^")  # a re_path's pattern starts with ^
    for key, value in values.items():
        url = url.replace(key, str(value))
    assert "<" not in url, f"give the test a value for {url}"
    query = {
        "api-mappings": "?entity={entity}&kind=tax",
        "audit-export": "?entity={entity}",
        "mapping-history": "?code=SALES15",
        "audit-object": "?object_type=sync_event&object_id={event}",
        "recon-evidence": f"?start={TODAY}&end={TODAY}",
        "matching-matched": "?rule={matching_rule}",
        "matching-unmatched": "?rule={matching_rule}&side=left",
    }.get(name, "")
    return url + query.format(**objects)


def _client(who: str, token: str) -> tuple[Client, dict[str, str]]:
    client = Client()
    if who == "service":
        return client, {"HTTP_AUTHORIZATION": f"Token {token}"}
    if who in ROLES:
        login(client, who)
    return client, {}


def _call(client: Client, method: str, url: str, use: Use, headers: dict[str, str]) -> Any:
    if method == "get":
        return client.get(url, **headers)
    if use.api:
        return client.post(url, data=json.dumps(use.body), content_type="application/json", **headers)
    return client.post(url, data=use.body, **headers)


def _expected(answer: int | str, response: Any, objects: dict[str, Any]) -> bool:
    if isinstance(answer, int):
        return bool(response.status_code == answer)
    status, start = answer.split(" ", 1)
    return response.status_code == int(status) and response.get("Location", "").startswith(start.format(**objects))


def _body(response: Any) -> bytes:
    """The answer's bytes, a streamed file's (the case list's exports) included."""
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def _refused(who: str, response: Any) -> bool:
    if response.status_code in (401, 403, 405):
        return True
    # A visitor who is not signed in (a service token means nothing to the pages) is sent to sign in.
    signing_in = response.status_code == 302 and response.get("Location", "").startswith("/accounts/login/")
    return who in ("anonymous", "service") and signing_in


def test_every_url_is_in_the_matrix() -> None:
    names = {name for name, _ in _patterns(get_resolver().url_patterns) if not name.startswith(SKIPPED_PREFIXES)}
    assert names == set(MATRIX), f"declare who may use: {sorted(names - set(MATRIX))}, or drop {set(MATRIX) - names}"


@pytest.mark.parametrize("who", EVERYONE)
def test_each_role_gets_its_answer_and_the_others_are_refused(world: dict[str, Any], who: str) -> None:
    granted = world["granted"]
    for name, pattern in _patterns(get_resolver().url_patterns):
        if name.startswith(SKIPPED_PREFIXES):
            continue
        use, url = MATRIX[name], _url(name, pattern, granted)
        for method, allowed in (("get", use.get), ("post", use.post)):
            # A fresh session per call: the POST to logout must not sign the rest of the walk out.
            client, headers = _client(who, granted["token"])
            response = _call(client, method, url, use, headers)
            said = f"{who}: {method.upper()} {url} answered {response.status_code} {response.get('Location', '')}"
            if who in allowed:
                assert _expected(allowed[who], response, granted), f"{said}, documented {allowed[who]}"
            else:
                assert _refused(who, response), f"{said}: not refused"
            assert b"fr-secret-order" not in _body(response), f"{said} FR01 data"


@pytest.mark.parametrize("who", EVERYONE)
def test_nothing_of_a_foreign_entity_answers_2xx_or_shows(world: dict[str, Any], who: str) -> None:
    foreign = world["foreign"]
    for name, pattern in _patterns(get_resolver().url_patterns):
        if name.startswith(SKIPPED_PREFIXES) or ("<" not in pattern and name not in WITH_ENTITY_QUERY):
            continue  # no object in the URL: the granted walk covers it
        use, url = MATRIX[name], _url(name, pattern, foreign)
        for method in ("get", "post"):
            client, headers = _client(who, foreign["token"])
            response = _call(client, method, url, use, headers)
            said = f"{who}: {method.upper()} {url} answered {response.status_code}"
            assert not 200 <= response.status_code < 300, f"{said} for an object of FR01"
            assert not (response.status_code == 302 and who in ROLES and method == "post"), f"{said}: a redirect"
            assert b"fr-secret-order" not in _body(response), f"{said} with FR01 data"


def test_service_accounts_read_only_events_of_their_sources(world: dict[str, Any]) -> None:
    other = SourceSystem.objects.get(code="stripe")
    event = SyncEvent.objects.get(pk=world["foreign"]["event"])
    SyncEvent.objects.filter(pk=event.pk).update(source=other, flow=Flow.objects.get(source=other))
    from console.access.services import service_account_create
    from console.audit.actors import Actor

    _, issued = service_account_create(
        name="shopify-only", source_codes=["shopify"], entity_codes=[event.entity.code], actor=Actor.system("test")
    )
    response = Client().get(f"/api/v1/events/{event.pk}/", HTTP_AUTHORIZATION=f"Token {issued.token}")
    assert response.status_code == 404


def test_personas_exist_for_every_role(configured: dict[str, Any]) -> None:
    from console.access.selectors import user_roles

    for role, username in PERSONAS.items():
        assert {r.value for r in user_roles(User.objects.get(username=username))} == {role}
