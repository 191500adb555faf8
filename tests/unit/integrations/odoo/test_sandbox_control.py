"""Control switches: latency, outage, injected failures, hangs, counts, concurrency."""

from __future__ import annotations

import threading
import time
import xmlrpc.client
from collections.abc import Callable
from typing import Any

import pytest


def test_outage_answers_503_until_switched_off(odoo: Any) -> None:
    odoo.server.control.outage(30)
    with pytest.raises(xmlrpc.client.ProtocolError) as caught:
        odoo.call("res.partner", "search", [])
    assert caught.value.errcode == 503
    with pytest.raises(xmlrpc.client.ProtocolError):
        odoo.common.version()
    odoo.server.control.outage_off()
    assert odoo.common.version()["server_version"] == odoo.version.label


def test_serialization_failure_writes_nothing(odoo: Any) -> None:
    odoo.server.control.fail_serialization(1)
    with odoo.unchanged():
        fault = odoo.fault("res.partner", "create", {"name": "Racy"})
    assert fault.faultCode == 1
    assert fault.faultString.startswith("Traceback (most recent call last):")
    assert odoo.last_line(fault) == (
        "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update"
    )
    assert isinstance(odoo.call("res.partner", "create", {"name": "Racy"}), int)


def test_reads_do_not_consume_injected_failures(odoo: Any) -> None:
    odoo.server.control.fail_serialization(1)
    odoo.call("res.partner", "search", [])
    with odoo.unchanged():
        assert odoo.fault("res.partner", "write", [1], {"email": "x@y.z"}).faultCode == 1
    assert odoo.read1("res.partner", 1, ["email"])["email"] != "x@y.z"


def test_hang_after_commit_times_the_client_out_but_keeps_the_record(odoo: Any, new_client: Callable[..., Any]) -> None:
    impatient = new_client(timeout=0.3)
    odoo.server.control.hang_after_commit(1, 1.0)
    with pytest.raises(TimeoutError):
        impatient.call("res.partner", "create", {"name": "Ghost Ltd"})
    assert len(odoo.call("res.partner", "search", [("name", "=", "Ghost Ltd")])) == 1


def test_latency_sleeps_per_call_and_per_record(odoo: Any) -> None:
    odoo.server.control.set_latency(60, 20)
    started = time.monotonic()
    odoo.call("res.partner", "create", [{"name": f"P{i}"} for i in range(5)])
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    odoo.call("res.partner", "search", [])
    assert time.monotonic() - started >= 0.05
    odoo.server.control.set_latency(0, 0)


def test_stats_count_and_reset(odoo: Any) -> None:
    odoo.posted_invoice()
    stats = odoo.server.control.stats()
    assert stats["records"]["account.move"] == 1
    assert stats["records"]["account.move.line"] == 3
    assert stats["object_calls"] >= 4
    assert odoo.server.control.count("account.move", [("state", "=", "posted")]) == 1
    odoo.server.control.reset()
    assert odoo.server.control.count("account.move", []) == 0
    assert odoo.server.control.count("res.partner", [("active", "in", [True, False])]) == 5


def test_control_endpoint_over_xmlrpc(odoo: Any) -> None:
    control = xmlrpc.client.ServerProxy(f"{odoo.server.url}/sandbox/control", allow_none=True)
    assert control.set_lock_date(1, "2025-12-31") is True
    assert odoo.read1("res.company", 1, ["fiscalyear_lock_date"])["fiscalyear_lock_date"] == "2025-12-31"
    assert control.count("res.company", []) == 2
    with pytest.raises(xmlrpc.client.Fault):
        control.drop_everything()
    assert control.reset() is True


def test_concurrent_posting_gives_unique_sequential_names(odoo: Any, new_client: Callable[..., Any]) -> None:
    partner, tax = odoo.partner(), odoo.tax("sale")
    names: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        client = new_client()
        try:
            for _ in range(3):
                move_id = client.call(
                    "account.move",
                    "create",
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner,
                        "invoice_date": "2026-03-05",
                        "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 10, "tax_ids": [(6, 0, [tax])]})],
                    },
                )
                client.call("account.move", "action_post", [move_id])
                names.append(client.read1("account.move", move_id, ["name"])["name"])
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(names) == [f"INV/2026/{n:05d}" for n in range(1, 25)]
