"""Gusto's own UI-test fixtures (../shared/vectors/payroll, SOURCE.txt) and edited copies of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "payroll"
PAYROLL = "gusto_get-v1-companies-company_id-payrolls-payroll_id.json"
PROCESSED = "gusto_get-v1-companies-company_id-payrolls-processed-payrolls.json"
RECEIPT = "gusto_payroll-receipt-test-data.json"
HISTORY = "gusto_payroll-history-test-data.json"
PREPARE = "gusto_put-v1-companies-company_id-payrolls-payroll_id-prepare.json"


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def edited(name: str, change: Callable[[Any], None]) -> bytes:
    """The vector with `change` applied to its JSON value (amounts stay the strings they are)."""
    value = json.loads(vector(name))
    change(value)
    return json.dumps(value).encode()
