"""Synthetic source traffic for the demo and benchmarks: realistic events, with
the faults finance meets (repeats, conflicting repeats, unmapped tax codes,
postings into a closed period)."""

from __future__ import annotations

import json
import math
import queue
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

CUSTOMERS = [
    ("Blue Harbor Cafe", "CUST-001"),
    ("Northwind Traders", "CUST-002"),
    ("Globex Corporation", "CUST-003"),
    ("Initech", "CUST-004"),
    ("Umbrella Retail", "CUST-005"),
    ("Stark Outfitters", "CUST-006"),
]
VENDORS = [("Paper & Co", "VEND-001"), ("CloudHost LLC", "VEND-002"), ("Office Supplies Ltd", "VEND-003")]


class TrafficGenerator:
    def __init__(self, *, seed: int | None = None, entity: str = "US01", prefix: str = "") -> None:
        self.rng = random.Random(seed)
        self.entity = entity
        self.prefix = prefix or f"{datetime.now(UTC):%H%M%S}"
        self.counter = 0
        self.sent: list[dict[str, Any]] = []
        # Which of them (by identity) and the vendor bills among them: a look-up in the list grew
        # with every event sent, and at 40 a second the generator spent its time there.
        self._sent: set[int] = set()
        self._bills: list[dict[str, Any]] = []
        self.invoices: list[dict[str, Any]] = []  # not paid yet
        self.paid: list[dict[str, Any]] = []
        self.credited: list[dict[str, Any]] = []  # credit notes of paid invoices, money not refunded yet

    def _id(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}-{self.prefix}-{self.counter:06d}"

    def _now(self) -> datetime:
        return datetime.now(UTC) - timedelta(seconds=self.rng.uniform(0, 20))

    def invoice(self, *, tax_code: str = "SALES15", invoice_date: date | None = None) -> dict[str, Any]:
        name, ref = self.rng.choice(CUSTOMERS)
        lines = [
            {
                "description": f"Item {self.rng.randint(100, 999)}",
                "quantity": str(self.rng.randint(1, 5)),
                "unit_price": f"{Decimal(self.rng.randint(500, 50000)) / 100:.2f}",
                "tax_code": tax_code,
                "account_code": "4000",
            }
            for _ in range(self.rng.randint(1, 3))
        ]
        occurred = self._now()
        event = {
            "source": "shopify",
            "external_id": self._id("order"),
            "kind": "customer_invoice",
            "entity": self.entity,
            "occurred_at": occurred.isoformat(),
            "correlation_id": f"corr-{self.rng.getrandbits(48):012x}",
            "data": {
                "partner": {"name": name, "ref": ref, "email": f"billing@{ref.lower()}.example"},
                "currency": "USD",
                "invoice_date": (invoice_date or occurred.date()).isoformat(),
                "reference": f"#{self.counter}",
                "lines": lines,
            },
        }
        self.invoices.append(event)
        return event

    def payment_for(self, invoice: dict[str, Any]) -> dict[str, Any]:
        total = sum(Decimal(line["quantity"]) * Decimal(line["unit_price"]) for line in invoice["data"]["lines"])
        return {
            "source": "stripe",
            "external_id": self._id("ch"),
            "kind": "payment",
            "entity": self.entity,
            "occurred_at": self._now().isoformat(),
            "correlation_id": invoice["correlation_id"],
            "data": {
                "partner": invoice["data"]["partner"],
                "currency": "USD",
                "amount": f"{total * Decimal('1.15'):.2f}",
                "date": date.today().isoformat(),
                "payment_method": "card",
                "invoice_external_id": invoice["external_id"],
                "invoice_source": "shopify",
            },
        }

    def credit_note_for(self, invoice: dict[str, Any]) -> dict[str, Any]:
        """A return: part of an invoice's first line credited, linked to the invoice."""
        line = invoice["data"]["lines"][0]
        returned = self.rng.randint(1, int(line["quantity"]))
        return {
            "source": "shopify",
            "external_id": self._id("refund"),
            "kind": "customer_credit_note",
            "entity": self.entity,
            "occurred_at": self._now().isoformat(),
            "correlation_id": invoice["correlation_id"],
            "data": {
                "partner": invoice["data"]["partner"],
                "currency": "USD",
                "invoice_date": date.today().isoformat(),
                "reference": f"Return of {invoice['data']['reference']}",
                "reversed_external_id": invoice["external_id"],
                "lines": [{**line, "quantity": str(returned)}],
            },
        }

    def refund_for(self, credit_note: dict[str, Any]) -> dict[str, Any]:
        """The money of a credit note paid back to the card: an outbound payment settling it."""
        line = credit_note["data"]["lines"][0]
        total = Decimal(line["quantity"]) * Decimal(line["unit_price"]) * Decimal("1.15")
        return {
            "source": "stripe",
            "external_id": self._id("re"),
            "kind": "payment",
            "entity": self.entity,
            "occurred_at": self._now().isoformat(),
            "correlation_id": credit_note["correlation_id"],
            "data": {
                "partner": credit_note["data"]["partner"],
                "currency": "USD",
                "amount": f"{total:.2f}",
                "date": date.today().isoformat(),
                "direction": "outbound",
                "payment_method": "card",
                "invoice_external_id": credit_note["external_id"],
                "invoice_source": "shopify",
            },
        }

    def vendor_bill(self, *, bill_date: date | None = None, credit_memo: bool = False) -> dict[str, Any]:
        name, ref = self.rng.choice(VENDORS)
        occurred = self._now()
        sign = -1 if credit_memo else 1
        return {
            "source": "coupa",
            "external_id": self._id("bill"),
            "kind": "vendor_bill",
            "entity": self.entity,
            "occurred_at": occurred.isoformat(),
            "data": {
                "partner": {"name": name, "ref": ref},
                "currency": "USD",
                "invoice_date": (bill_date or occurred.date()).isoformat(),
                "reference": f"INV-{self.rng.randint(10000, 99999)}",
                "lines": [
                    {
                        "description": "Services",
                        "quantity": "1",
                        "unit_price": f"{sign * Decimal(self.rng.randint(10000, 500000)) / 100:.2f}",
                        "tax_code": "PURCH15",
                        "account_code": "6000",
                    }
                ],
            },
        }

    def bank_line(self) -> dict[str, Any]:
        amount = Decimal(self.rng.randint(-200000, 300000)) / 100 or Decimal("1.00")
        return {
            "source": "bankfeed",
            "external_id": self._id("txn"),
            "kind": "bank_statement_line",
            "entity": self.entity,
            "occurred_at": self._now().isoformat(),
            "data": {
                "bank_account": "operating",
                "currency": "USD",
                "amount": f"{amount:.2f}",
                "date": date.today().isoformat(),
                "description": "CARD SETTLEMENT" if amount > 0 else "ACH DEBIT",
            },
        }

    def payroll_entry(self) -> dict[str, Any]:
        gross = Decimal(self.rng.randint(100000, 900000)) / 100
        return {
            "source": "payroll",
            "external_id": self._id("run"),
            "kind": "journal_entry",
            "entity": self.entity,
            "occurred_at": self._now().isoformat(),
            "data": {
                "currency": "USD",
                "date": date.today().isoformat(),
                "reference": "Payroll run",
                "lines": [
                    {"account_code": "6000", "description": "Salaries", "debit": f"{gross:.2f}"},
                    {"account_code": "2100", "description": "Net pay payable", "credit": f"{gross:.2f}"},
                ],
            },
        }

    def conflicting(self, event: dict[str, Any]) -> dict[str, Any]:
        changed = {**event, "data": {**event["data"], "reference": f"{event['data'].get('reference', '')}-edited"}}
        return changed

    def resent_bill(self) -> dict[str, Any] | None:
        """A vendor bill keyed in a second time (a new key, the same document): a suspected duplicate."""
        if not self._bills:
            return None
        return {**self.rng.choice(self._bills), "external_id": self._id("bill")}

    def _remember(self, event: dict[str, Any]) -> None:
        if id(event) not in self._sent:
            self._sent.add(id(event))
            self.sent.append(event)
            if event["kind"] == "vendor_bill":
                self._bills.append(event)

    def next_batch(self, size: int) -> list[dict[str, Any]]:
        """A realistic mix: mostly new documents, with repeats and faults finance must see."""
        out: list[dict[str, Any]] = []
        for _ in range(size):
            if out:
                self._remember(out[-1])
            roll = self.rng.random()
            if roll < 0.05 and self.sent:
                out.append(self.rng.choice(self.sent))  # the same delivery again
            elif roll < 0.06 and self.sent:
                out.append(self.conflicting(self.rng.choice(self.sent)))
            elif roll < 0.09:
                out.append(self.invoice(tax_code="VAT20"))  # no mapping for it
            elif roll < 0.11:
                out.append(self.vendor_bill(credit_memo=True))  # a credit memo sent as a bill: Odoo refuses it
            elif roll < 0.115 and self.paid:
                out.append(self.payment_for(self.rng.choice(self.paid)))  # charged twice: Odoo refuses it
            elif roll < 0.12 and (resent := self.resent_bill()) is not None:
                out.append(resent)
            elif roll < 0.13 and self.paid:
                note = self.credit_note_for(self.paid.pop(self.rng.randrange(len(self.paid))))
                self.credited.append(note)
                out.append(note)
            elif roll < 0.14 and self.credited:
                out.append(self.refund_for(self.credited.pop(0)))
            elif roll < 0.30 and self.invoices:
                invoice = self.invoices.pop(self.rng.randrange(len(self.invoices)))
                self.paid.append(invoice)
                out.append(self.payment_for(invoice))
            elif roll < 0.40:
                out.append(self.vendor_bill())
            elif roll < 0.47:
                out.append(self.bank_line())
            elif roll < 0.50:
                out.append(self.payroll_entry())
            else:
                out.append(self.invoice())
        if out:
            self._remember(out[-1])
        return out


@dataclass
class SendStats:
    """What the sender did so far: answers by status and how far behind its schedule it ran."""

    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    behind_seconds: float = 0.0


class PacedSender:
    """Sends events at a steady rate, one per request as a source system's webhook would.

    The schedule is kept by deadline (event n leaves at start + n / rate), not by a pause
    after each request, so the time a request takes does not lower the rate; several
    threads send so that a slow answer does not hold the next event back.
    """

    def __init__(self, *, url: str, token: str, per_second: float, threads: int = 0, timeout: float = 30.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("the URL must be http(s)")
        self.url = url
        self.token = token
        self.per_second = per_second
        # One thread sends ~20-40 requests a second to the console on SQLite; keep spare.
        self.threads = threads or max(1, math.ceil(per_second / 8))
        self.timeout = timeout
        self.stats = SendStats()
        self._lock = threading.Lock()

    def post(self, event: dict[str, Any]) -> int:
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url,
            data=json.dumps(event).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Token {self.token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - checked
                return int(response.status)
        except urllib.error.HTTPError as err:
            return int(err.code)
        except (urllib.error.URLError, OSError):
            return 0  # not reachable (yet): counted as status 0

    def run(self, generator: TrafficGenerator, *, count: int = 0, stop: threading.Event | None = None) -> SendStats:
        """Send until `count` events were sent (0: until `stop` is set)."""
        stop = stop or threading.Event()
        pending: queue.Queue[dict[str, Any] | None] = queue.Queue(maxsize=self.threads * 4)

        def send_loop() -> None:
            while (event := pending.get()) is not None:
                status = self.post(event)
                with self._lock:
                    self.stats.sent += 1
                    self.stats.statuses[status] += 1

        senders = [threading.Thread(target=send_loop, daemon=True) for _ in range(self.threads)]
        for thread in senders:
            thread.start()
        start = time.monotonic()
        n = 0
        while not stop.is_set() and (not count or n < count):
            due = start + n / self.per_second
            wait = due - time.monotonic()
            if wait > 0:
                stop.wait(wait)
            else:
                self.stats.behind_seconds = max(self.stats.behind_seconds, -wait)
            pending.put(generator.next_batch(1)[0])
            n += 1
        for _ in senders:
            pending.put(None)
        for thread in senders:
            thread.join(timeout=self.timeout + 5)
        return self.stats
