"""Shared set-up for benchmarks: a fresh PostgreSQL database, migrated, with the demo's flows."""

from __future__ import annotations

import os
import platform
import sys
from typing import Any


def machine() -> str:
    cores = os.cpu_count()
    with open("/proc/meminfo") as handle:
        mem_kb = int(handle.readline().split()[1])
    model = ""
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    return (
        f"{platform.node()}: {cores} cores ({model}), {mem_kb / 1024 / 1024:.0f} GiB, Python {sys.version.split()[0]}"
    )


def setup_django(database: str) -> None:
    """Point Django at a fresh database named `database` on the benchmark PostgreSQL."""
    base = os.environ["DATABASE_URL"]
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ingest_config() -> dict[str, Any]:
    from console.access.services import service_account_create
    from console.audit.actors import Actor
    from console.sync.models import BusinessProcess, Flow, LegalEntity, SourceKind, SourceSystem

    LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")
    source = SourceSystem.objects.create(code="shopify", name="Shopify", kind=SourceKind.ECOMMERCE)
    Flow.objects.create(
        source=source, event_kind="customer_invoice", name="Orders", business_process=BusinessProcess.ORDER_TO_CASH
    )
    _, issued = service_account_create(
        name="bench", source_codes=["shopify"], entity_codes=["US01"], actor=Actor.system("bench")
    )
    return {"token": issued.token}
