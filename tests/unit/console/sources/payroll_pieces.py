"""Payroll files for the console's tests: Gusto's own fixtures (../shared/vectors/payroll),
edited copies of them, and the account mapping the payroll categories need to post."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from console.audit.actors import Actor
from console.mappings.models import MappingKind
from console.mappings.services import mapping_version_add
from console.sources.payroll_models import PayrollFile
from console.sources.services.payroll_import import payroll_file_import
from console.sources.services.payroll_reading import payroll_runs
from console.sync.models import LegalEntity, SourceSystem
from console.sync.services.connections import odoo_client_for
from console.sync.services.demo import MAPPINGS_VALID_FROM
from integrations.payroll import categories as cat
from tests.unit.integrations.payroll.payroll_files import PROCESSED, edited, vector

# Each payroll category to an account of the sandbox's chart (seed.GENERIC_ACCOUNTS).
CATEGORY_ACCOUNTS = {
    cat.GROSS_WAGES: "630000",
    cat.EMPLOYER_TAXES: "630000",
    cat.EMPLOYER_BENEFITS: "630000",
    cat.REIMBURSEMENTS: "600000",
    cat.NET_PAY: "230000",
    cat.TAX_LIABILITIES: "251100",
    cat.DEDUCTIONS_PAYABLE: "201000",
    cat.REIMBURSEMENTS_PAYABLE: "230000",
    cat.CASH_TIPS: "230000",
    cat.COMPANY_DEBIT: "101401",
}
FIRST_RUN = "f9e8e415-e51d-49e7-90a9-056286cae39c"


def payroll_mapped(entity_code: str = "US01") -> None:
    """The payroll journal and every category mapped for the entity, as finance would map them."""
    entity = LegalEntity.objects.get(code=entity_code)
    client = odoo_client_for(entity)
    actor = Actor.system("test")
    [misc] = client.search_read("account.journal", [["code", "=", "MISC"]], ["id"], limit=1)
    mapping_version_add(
        kind=MappingKind.JOURNAL,
        entity=entity,
        source_value="payroll",
        odoo_id=int(misc["id"]),
        valid_from=MAPPINGS_VALID_FROM,
        actor=actor,
        reason="payroll journal",
    )
    for category, code in CATEGORY_ACCOUNTS.items():
        [account] = client.search_read("account.account", [["code", "=", code]], ["id"], limit=1)
        mapping_version_add(
            kind=MappingKind.ACCOUNT,
            entity=entity,
            source_value=category,
            odoo_id=int(account["id"]),
            valid_from=MAPPINGS_VALID_FROM,
            actor=actor,
            reason="payroll category",
        )


def processed() -> bytes:
    """Gusto's list of three processed payrolls, each agreeing with itself (2024-05-31, -06-14, -06-28)."""
    return vector(PROCESSED)


def disagreeing_company_debit() -> bytes:
    """The processed payrolls with the first one's company debit 741.58 short of what it debits:
    its entry still balances, its totals do not agree."""

    def change(value: Any) -> None:
        value[0]["totals"]["company_debit"] = "30000.00"

    return edited(PROCESSED, change)


def gusto_runs(*runs: tuple[str, date, str]) -> bytes:
    """A list of processed payrolls, one per (run id, check date, gross pay), each agreeing with
    itself: 20% employee taxes, 8% employer taxes, nothing else."""

    def payroll(run_id: str, day: date, gross: str) -> dict[str, Any]:
        gross_pay = Decimal(gross)
        employee = (gross_pay * Decimal("0.20")).quantize(Decimal("0.01"))
        employer = (gross_pay * Decimal("0.08")).quantize(Decimal("0.01"))
        net = gross_pay - employee
        return {
            "payroll_uuid": run_id,
            "processed": True,
            "check_date": day.isoformat(),
            "pay_period": {"start_date": (day - timedelta(days=13)).isoformat(), "end_date": day.isoformat()},
            "totals": {
                "gross_pay": f"{gross_pay:.2f}",
                "net_pay": f"{net:.2f}",
                "employee_taxes": f"{employee:.2f}",
                "employer_taxes": f"{employer:.2f}",
                "benefits": "0.00",
                "employee_benefits_deductions": "0.00",
                "reimbursements": "0.00",
                "company_debit": f"{net + employee + employer:.2f}",
                "net_pay_debit": f"{net:.2f}",
                "tax_debit": f"{employee + employer:.2f}",
                "reimbursement_debit": "0.00",
                "child_support_debit": "0.00",
            },
        }

    return json.dumps([payroll(*run) for run in runs]).encode()


def with_company_debit(content: bytes, company_debit: str) -> bytes:
    """The file's payrolls each saying the company was debited `company_debit`."""
    value = json.loads(content)
    for payroll in value:
        payroll["totals"]["company_debit"] = company_debit
    return json.dumps(value).encode()


def fortnights(count: int, gross: str = "10000.00", start: date = date(2026, 6, 5)) -> list[tuple[str, date, str]]:
    return [(f"run-{i + 1:02d}", start + timedelta(days=14 * i), gross) for i in range(count)]


def gl_export(*rows: tuple[str, str, str, str]) -> bytes:
    """A GL export in the default profile's columns: account, debit, credit, description, department."""
    lines = ["account,debit,credit,description,department"]
    lines += [f"{account},{debit},{credit},{description}," for account, debit, credit, description in rows]
    return ("\n".join(lines) + "\n").encode()


def bring_in_payroll(
    content: bytes,
    *,
    fmt: str = "gusto_json",
    name: str = "payroll.json",
    entity: str = "US01",
    run_id: str = "",
    pay_date: date | None = None,
    user: Any = None,
) -> PayrollFile:
    runs = payroll_runs(fmt, content, currency="USD", run_id=run_id, pay_date=pay_date)
    return payroll_file_import(
        source=SourceSystem.objects.get(code="payroll"),
        entity=LegalEntity.objects.get(code=entity),
        name=name,
        fmt=fmt,
        profile="default" if fmt == "gl_csv" else "",
        content=content,
        runs=runs,
        user=user,
        actor=Actor.system("test"),
    )
