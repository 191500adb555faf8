from __future__ import annotations

from collections import Counter

from console.sync.traffic import TrafficGenerator
from integrations.canonical import PayloadError, parse_document


def test_generated_events_are_valid_except_for_the_faults_meant_for_odoo() -> None:
    generator = TrafficGenerator(seed=3, prefix="t")
    events = generator.next_batch(400)
    for event in events:
        try:
            parse_document(event["kind"], event["data"])
        except PayloadError as err:  # pragma: no cover - shown if it happens
            raise AssertionError(f"{event['external_id']}: {err}") from err
    kinds = Counter(e["kind"] for e in events)
    assert set(kinds) == {"customer_invoice", "payment", "vendor_bill", "bank_statement_line", "journal_entry"}
    keys = [(e["source"], e["kind"], e["external_id"]) for e in events]
    assert len(keys) > len(set(keys))  # repeats are part of the traffic
    taxes = {line.get("tax_code") for e in events if e["kind"] == "customer_invoice" for line in e["data"]["lines"]}
    assert "VAT20" in taxes
