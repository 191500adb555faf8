from __future__ import annotations

import http.server
import threading
import time
from collections import Counter
from typing import Any

from console.sync.traffic import PacedSender, TrafficGenerator
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
    assert set(kinds) == {
        "customer_invoice",
        "customer_credit_note",
        "payment",
        "vendor_bill",
        "bank_statement_line",
        "journal_entry",
    }
    refunds = [e for e in events if e["kind"] == "payment" and e["data"].get("direction") == "outbound"]
    credited = {e["external_id"] for e in events if e["kind"] == "customer_credit_note"}
    assert refunds and {e["data"]["invoice_external_id"] for e in refunds} <= credited
    keys = [(e["source"], e["kind"], e["external_id"]) for e in events]
    assert len(keys) > len(set(keys))  # repeats are part of the traffic
    taxes = {line.get("tax_code") for e in events if e["kind"] == "customer_invoice" for line in e["data"]["lines"]}
    assert "VAT20" in taxes


class SlowSource(http.server.BaseHTTPRequestHandler):
    """The ingestion API as a busy console answers it: 100 ms a request."""

    in_flight = 0
    most_in_flight = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        with SlowSource.lock:
            SlowSource.in_flight += 1
            SlowSource.most_in_flight = max(SlowSource.most_in_flight, SlowSource.in_flight)
        time.sleep(0.1)
        with SlowSource.lock:
            SlowSource.in_flight -= 1
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_the_sender_keeps_its_rate_when_each_answer_takes_longer_than_the_interval() -> None:
    """The demo's generator slept a fixed interval after each answer: at "4 a second" it sent
    about 3.3 (200 a minute), and at 40 a second it could not pass 10."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowSource)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sender = PacedSender(url=f"http://127.0.0.1:{server.server_port}/api/v1/events/", token="t", per_second=40)
        started = time.monotonic()
        stats = sender.run(TrafficGenerator(seed=1, prefix="p"), count=80)
        took = time.monotonic() - started
    finally:
        server.shutdown()
    assert stats.sent == 80 and stats.statuses == {201: 80}
    assert SlowSource.most_in_flight >= 3  # the next event did not wait for the last answer
    # 80 events at 40 a second take 2 s; one after another, 100 ms each, they took 8 s and more.
    assert took < 4.0
