"""The demo's configuration, resolved against the running Odoo (the sandbox)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from console.access.models import ServiceAccount, User
from console.access.roles import Role
from console.access.service_account_tokens import service_account_rotate
from console.access.services import service_account_create, user_create
from console.audit.actors import Actor
from console.mappings.models import Mapping, MappingKind
from console.mappings.services import mapping_version_add
from console.mappings.services.reference import ReferenceError, reference_refresh_entity
from console.sync.models import BusinessProcess, Flow, FlowMode, LegalEntity, SourceKind, SourceSystem
from console.sync.services.config_create import entity_create, flow_create, source_create
from console.sync.services.connections import odoo_client_for
from console.sync.services.entity_config import EntitySettings
from console.sync.services.flow_settings import FlowSettings
from integrations.odoo.errors import OdooError

# code, name, Odoo company id, currency, materiality threshold (set at creation: creation is not
# a change, so it needs no controller; every later change of it does).
ENTITY = ("US01", "Acme Inc.", 1, "USD", Decimal("10000.00"))
SEED_REASON = "demo seed"
SOURCES = [
    ("shopify", "Shopify store", SourceKind.ECOMMERCE),
    ("stripe", "Stripe", SourceKind.PAYMENTS),
    ("bankfeed", "Bank feed (Chase)", SourceKind.BANK),
    ("payroll", "Payroll (Gusto)", SourceKind.PAYROLL),
    ("coupa", "Coupa procurement", SourceKind.OTHER),
]
FLOWS = [
    (
        "shopify",
        "customer_invoice",
        "Shopify orders → invoices",
        BusinessProcess.ORDER_TO_CASH,
        FlowMode.REAL_TIME,
        300,
    ),
    ("stripe", "payment", "Stripe charges → payments", BusinessProcess.ORDER_TO_CASH, FlowMode.REAL_TIME, 600),
    ("coupa", "vendor_bill", "Coupa invoices → vendor bills", BusinessProcess.PROCURE_TO_PAY, FlowMode.REAL_TIME, 3600),
    ("bankfeed", "bank_statement_line", "Bank feed → statement lines", BusinessProcess.TREASURY, FlowMode.BATCH, 86400),
    ("payroll", "journal_entry", "Payroll run → journal entries", BusinessProcess.PAYROLL, FlowMode.BATCH, 86400),
    # Last, after the flows the benchmarks build their data for by position.
    (
        "shopify",
        "customer_credit_note",
        "Shopify refunds → credit notes",
        BusinessProcess.ORDER_TO_CASH,
        FlowMode.REAL_TIME,
        300,
    ),
    (
        "coupa",
        "vendor_credit_note",
        "Coupa credit memos → vendor credit notes",
        BusinessProcess.PROCURE_TO_PAY,
        FlowMode.REAL_TIME,
        3600,
    ),
]
DEMO_BANK_ACCOUNT = "123456784321"
# (kind, source code) -> (Odoo model, domain) of the target
MAPPINGS: list[tuple[str, str, str, list[Any]]] = [
    (MappingKind.CURRENCY, "USD", "res.currency", [["name", "=", "USD"]]),
    (MappingKind.JOURNAL, "customer_invoice", "account.journal", [["code", "=", "INV"]]),
    (MappingKind.JOURNAL, "vendor_bill", "account.journal", [["code", "=", "BILL"]]),
    (MappingKind.JOURNAL, "journal_entry", "account.journal", [["code", "=", "MISC"]]),
    (MappingKind.JOURNAL, "card", "account.journal", [["code", "=", "BNK1"]]),
    (MappingKind.JOURNAL, "operating", "account.journal", [["code", "=", "BNK1"]]),
    # The operating account as the bank's statement files name it (camt Acct/Id/Othr/Id, MT940 :25:).
    (MappingKind.JOURNAL, DEMO_BANK_ACCOUNT, "account.journal", [["code", "=", "BNK1"]]),
    (MappingKind.TAX, "SALES15", "account.tax", [["type_tax_use", "=", "sale"], ["amount", "=", 15.0]]),
    (MappingKind.TAX, "PURCH15", "account.tax", [["type_tax_use", "=", "purchase"], ["amount", "=", 15.0]]),
    (MappingKind.ACCOUNT, "4000", "account.account", [["code", "=", "400000"]]),
    (MappingKind.ACCOUNT, "6000", "account.account", [["code", "=", "600000"]]),
    (MappingKind.ACCOUNT, "1010", "account.account", [["code", "=", "101401"]]),
    (MappingKind.ACCOUNT, "2100", "account.account", [["code", "=", "211000"]]),
]
USERS = [("olivia", Role.OPERATOR), ("carl", Role.CONTROLLER), ("ada", Role.AUDITOR), ("ian", Role.ADMIN)]
SERVICE_ACCOUNT = "demo-traffic"
# The demo's mappings hold for any event the traffic generator or a test can date.
MAPPINGS_VALID_FROM = datetime(2000, 1, 1, tzinfo=UTC)


class DemoSeedError(Exception):
    pass


def demo_token_path() -> str:
    return str(settings.VAR_DIR / "demo_token")


def _config_seed(actor: Actor, report: list[str]) -> LegalEntity:
    """The entity, sources and flows, each through the service the shell and the configuration
    pages share, so each has its audit row; what exists already is left as it is."""
    entity = LegalEntity.objects.filter(code=ENTITY[0]).first()
    if entity is None:
        code, name, company, currency, threshold = ENTITY
        entity = entity_create(
            user=None,
            actor=actor,
            code=code,
            settings=EntitySettings(name=name, odoo_company_id=company, currency=currency, connection_id=None),
            materiality_threshold=threshold,
            reason=SEED_REASON,
        )
        report.append(f"legal entity {code} ({name}), materiality threshold {threshold}")
    for code, name, source_kind in SOURCES:
        if not SourceSystem.objects.filter(code=code).exists():
            source_create(user=None, actor=actor, code=code, name=name, kind=source_kind, reason=SEED_REASON)
            report.append(f"source system {code}")
    for source, event_kind, name, process, mode, slo in FLOWS:
        if not Flow.objects.filter(source__code=source, event_kind=event_kind).exists():
            flow_create(
                user=None,
                actor=actor,
                source_code=source,
                event_kind=event_kind,
                settings=FlowSettings(name=name, business_process=process, mode=mode, freshness_slo_seconds=slo),
                reason=SEED_REASON,
            )
            report.append(f"flow {source}/{event_kind}")
    return entity


def _token_seed(actor: Actor, report: list[str]) -> None:
    """The traffic generator's account, its token in var/demo_token. A token lost with var/ is
    replaced by rotating the account's (no grace: nobody holds the old one any more)."""
    account = ServiceAccount.objects.filter(name=SERVICE_ACCOUNT).first()
    if account is not None and os.path.exists(demo_token_path()):
        return
    if account is None:
        _, issued = service_account_create(
            name=SERVICE_ACCOUNT,
            source_codes=[code for code, _, _ in SOURCES],
            entity_codes=[ENTITY[0]],
            actor=actor,
            reason=SEED_REASON,
        )
    elif account.is_active:
        _, issued = service_account_rotate(
            account_id=account.pk,
            grace=timedelta(0),
            user=None,
            actor=actor,
            reason=f"{SEED_REASON}: the token file was lost",
        )
    else:
        raise DemoSeedError(
            f"the service account {SERVICE_ACCOUNT} is revoked and var/demo_token is gone: a revoked token is not "
            "renewed; create an account for the traffic (manage.py service_token create) or start from a fresh database"
        )
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    fd = os.open(demo_token_path(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(issued.token)
    report.append(f"service account {SERVICE_ACCOUNT}: token in {demo_token_path()}")


@transaction.atomic
def demo_seed(*, password: str) -> list[str]:
    """Every row through its audited service, as the shell (system:seed_demo): the entity comes
    before any person (a person is granted entities), so no persona can be its actor."""
    actor = Actor.system("seed_demo")
    report: list[str] = []
    entity = _config_seed(actor, report)
    # Reconciliation's own service writes its rules (sync never writes another app's tables).
    from console.reconciliation.services.matching_seed import matching_rules_seed

    matching_rules_seed(entity_code=entity.code, actor=actor, reason=SEED_REASON, report=report)
    client = odoo_client_for(entity)
    for kind, value, model, domain in MAPPINGS:
        if Mapping.objects.filter(kind=kind, entity=entity, source_value=value).exists():
            continue
        try:
            rows = client.search_read(model, domain, ["id", "display_name"], order="id", limit=1)
        except OdooError as err:
            raise DemoSeedError(f"could not read {model} from Odoo at {client.credentials.url}: {err.message}") from err
        if not rows:
            raise DemoSeedError(f"Odoo has no {model} matching {domain} for the {kind} mapping {value}")
        mapping_version_add(
            kind=kind,
            entity=entity,
            source_value=value,
            odoo_id=int(rows[0]["id"]),
            odoo_label=str(rows[0].get("display_name") or ""),
            valid_from=MAPPINGS_VALID_FROM,
            actor=actor,
            reason=SEED_REASON,
        )
        report.append(f"mapping {kind} {value} -> {model} {rows[0]['id']}")
    # The mapping editor offers Odoo's records as targets: read them once now; the editor's
    # refresh button reads them again.
    try:
        counts = reference_refresh_entity(entity, actor=actor)
    except ReferenceError as err:
        raise DemoSeedError(str(err)) from err
    report.append("Odoo reference data: " + ", ".join(f"{n} {model}" for model, n in counts.items()))
    for username, role in USERS:
        if not User.objects.filter(username=username).exists():
            user_create(username=username, password=password, role=role, entity_codes=[ENTITY[0]], actor=actor)
            report.append(f"user {username} ({role.value}), password {password!r}")
    _token_seed(actor, report)
    return report
