"""The demo's configuration, resolved against the running Odoo (the sandbox)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from console.access.models import ServiceAccount, User
from console.access.roles import Role
from console.access.services import service_account_create, user_create
from console.audit.actors import Actor
from console.mappings.models import Mapping, MappingKind
from console.mappings.services import mapping_version_add
from console.mappings.services.reference import ReferenceError, reference_refresh_entity
from console.sync.models import BusinessProcess, Flow, FlowMode, LegalEntity, SourceKind, SourceSystem
from console.sync.services.connections import odoo_client_for
from integrations.odoo.errors import OdooError

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


@transaction.atomic
def demo_seed(*, password: str) -> list[str]:
    actor = Actor.system("seed_demo")
    report: list[str] = []
    entity, _ = LegalEntity.objects.get_or_create(
        code="US01", defaults={"name": "Acme Inc.", "odoo_company_id": 1, "currency": "USD"}
    )
    for code, name, source_kind in SOURCES:
        SourceSystem.objects.get_or_create(code=code, defaults={"name": name, "kind": source_kind})
    for source, event_kind, name, process, mode, slo in FLOWS:
        Flow.objects.get_or_create(
            source=SourceSystem.objects.get(code=source),
            event_kind=event_kind,
            defaults={"name": name, "business_process": process, "mode": mode, "freshness_slo_seconds": slo},
        )
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
            reason="demo seed",
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
            user_create(username=username, password=password, role=role, entity_codes=["US01"], actor=actor)
            report.append(f"user {username} ({role.value}), password {password!r}")
    if not ServiceAccount.objects.filter(name=SERVICE_ACCOUNT).exists() or not os.path.exists(demo_token_path()):
        for old in ServiceAccount.objects.filter(name=SERVICE_ACCOUNT):
            # The token was lost with var/: retire the account rather than reuse it.
            old.is_active = False
            old.name = f"{SERVICE_ACCOUNT}-retired-{old.pk}"
            old.save(update_fields=["is_active", "name"])
        _, issued = service_account_create(
            name=SERVICE_ACCOUNT, source_codes=[code for code, _, _ in SOURCES], entity_codes=["US01"], actor=actor
        )
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(demo_token_path(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(issued.token)
        report.append(f"service account {SERVICE_ACCOUNT}: token in {demo_token_path()}")
    return report
