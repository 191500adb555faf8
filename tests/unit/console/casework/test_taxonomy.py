"""Every reason the pipeline gives maps to a finance category with words a finance user acts on."""

from __future__ import annotations

import re
from pathlib import Path

from console.casework.taxonomy import INFO, REASON_CATEGORIES, Category, category_for, next_action

ROOT = Path(__file__).resolve().parents[4]
# Reasons a failed or blocked event can carry: what the connector and resolution write.
REASON_SOURCES = ["integrations/odoo/errors.py", "integrations/odoo/partners.py", "integrations/odoo/client.py"]
TRANSIENT = {"concurrency", "server_error", "timeout", "connection", "bad_response"}  # retried, then retries_exhausted


def test_every_category_explains_itself_and_says_what_to_do() -> None:
    assert set(INFO) == set(Category)
    for info in INFO.values():
        assert info.explanation.endswith(".") and info.next_action and info.team


def test_every_reason_the_pipeline_writes_has_a_category() -> None:
    written: set[str] = set()
    for name in REASON_SOURCES:
        written |= set(re.findall(r'ErrorKind\.\w+,\s*"([a-z_]+)"', (ROOT / name).read_text()))
        written |= set(re.findall(r'^\s+"([a-z_]+)",\s*$', (ROOT / name).read_text(), re.M))
    resolution = (ROOT / "console/sync/services/resolution.py").read_text()
    written |= set(re.findall(r'(?:Blocked|Invalid)\(\s*"([a-z_]+)"', resolution))
    written |= {"lock_date", "validation", "duplicate", "missing_record", "retries_exhausted"}
    assert {"access_rights", "ambiguous_partner", "login_refused", "missing_mapping", "invoice_not_posted"} <= written
    missing = sorted(written - TRANSIENT - set(REASON_CATEGORIES))
    assert not missing, f"give these reasons a finance category: {missing}"


def test_next_action_names_the_code_and_entity() -> None:
    text = next_action(Category.MISSING_MAPPING, {"mapping_kind": "tax", "value": "VAT20", "entity": "FR01"})
    assert text.startswith("Add a tax mapping for VAT20 in entity FR01")
    assert "?" in next_action(Category.MISSING_MAPPING, {})  # a gap shows, it does not crash
    assert category_for("validation", "Invalid tax for this company") == Category.INVALID_TAX
    assert category_for("something_new") == Category.ODOO_VALIDATION
