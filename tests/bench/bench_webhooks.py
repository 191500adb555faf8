"""Signed webhook deliveries answered per second by gunicorn (2 sync workers) on PostgreSQL, against a
view that answers 200 and does nothing, in the same gunicorn and the same run.

Run by `make bench` (PostgreSQL and Redis started by scripts/services.sh). Each webhook request is a
Shopify orders/paid delivery of its own order (a first delivery: the signature checked over the raw
body, the delivery stored, a processing message sent after commit when none of its source is
waiting); the no-op requests carry the same body to /bench/noop/ (tests/bench/webhook_wsgi.py),
behind the whole middleware, as every page is (a delivery skips the browser's part of it:
console/sources/middleware.py). The two take turns, ROUNDS times each, so both see the same moments of
a shared machine. Client processes of a few threads each keep the two workers busy; a request's
answer time runs from its connect to its last byte. The CPU each request cost gunicorn and
PostgreSQL (every process of each, reaped ones included) is read from /proc: on this machine they
share the cores with the clients. Targets: p99 under 100 ms, and at least 50% of the no-op's throughput.

No Celery worker runs: turning deliveries into events is not what a provider waits for. So after the
first delivery every one finds an older one of its source waiting and sends no message, as in a
storm the workers have fallen behind; when they keep up, a delivery also sends its message
(about 0.6 ms more of the web process's time, measured in-process).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from integrations.shopify.signature import sign
from tests.bench.bench_posting import Processes, free_port, service_env, wait_until
from tests.bench.common import machine, setup_django

SECRET_ENV = "BENCH_SHOPIFY_WEBHOOK_SECRET"
SECRET = "shpss_bench_0123456789abcdef0123456789"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ROUND_SECONDS = 8.0
CLIENT_PROCESSES = 2
THREADS_PER_PROCESS = 3
TARGET_P99_MS = 100.0
TARGET_RATIO = 0.5
PATHS = {"no-op view": "/bench/noop/", "webhook": "/webhooks/shopify/shop-bench/"}
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def order_body() -> bytes:
    """A Shopify orders/paid body of about 3 kB (two lines, shipping, a discount, taxes), with
    ORDER_ID where each request puts its own order id."""
    from tests.unit.integrations.shopify.shopify_bodies import discounted_order

    return json.dumps(discounted_order(id="ORDER_ID")).encode().replace(b'"ORDER_ID"', b"ORDER_ID")


def post(port: int, path: str, body: bytes, event_id: str | None) -> int:
    """One request as Shopify sends it (signed when `event_id` is given); its status."""
    headers = {"Content-Type": "application/json", "X-Shopify-Topic": "orders/paid"}
    if event_id is not None:
        headers |= {"X-Shopify-Hmac-Sha256": sign(body, SECRET), "X-Shopify-Event-Id": event_id}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return int(response.status)


def _client(port: int, path: str, signed: bool, first: int, out: Any) -> None:
    """One client process: THREADS_PER_PROCESS threads posting for ROUND_SECONDS; puts (statuses, latencies)."""
    template = order_body()
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + ROUND_SECONDS

    def run(thread: int) -> None:
        n = first + thread * 1_000_000
        mine: list[float] = []
        seen: dict[int, int] = {}
        while time.monotonic() < deadline:
            n += 1
            body = template.replace(b"ORDER_ID", str(n).encode())
            started = time.perf_counter()
            status = post(port, path, body, f"bench-{n}" if signed else None)
            mine.append((time.perf_counter() - started) * 1000)
            seen[status] = seen.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS_PER_PROCESS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((statuses, latencies))


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def cpu_ticks(root: int) -> int:
    """CPU ticks of a process and its children, those still running and those it has reaped (a
    PostgreSQL backend replaced when a web worker's connection reaches CONN_MAX_AGE counts too)."""
    fields = _stat(root)
    total = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
    for child in _children(root):
        try:
            child_fields = _stat(child)
        except OSError:
            continue  # gone since: its parent's cutime and cstime have it
        total += int(child_fields[11]) + int(child_fields[12])
    return total


def server_roots(gunicorn_pid: int) -> dict[str, int]:
    """The gunicorn master, and PostgreSQL's postmaster (the parent of a backend of this database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    return {"gunicorn": gunicorn_pid, "postgres": int(_stat(int(backend))[1])}


def round_run(port: int, name: str, number: int, roots: dict[str, int]) -> dict[str, Any]:
    out: Any = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=_client, args=(port, PATHS[name], name == "webhook", (number * 100 + i) * 10_000_000, out)
        )
        for i in range(CLIENT_PROCESSES)
    ]
    before = {role: cpu_ticks(root) for role, root in roots.items()}
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    results = [out.get(timeout=ROUND_SECONDS + 120) for _ in procs]
    for proc in procs:
        proc.join()
    seconds = time.perf_counter() - started
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    for seen, times in results:
        latencies.extend(times)
        for status, count in seen.items():
            statuses[status] = statuses.get(status, 0) + count
    cpu = {role: (cpu_ticks(root) - before[role]) / TICKS_PER_SECOND for role, root in roots.items()}
    return {"statuses": statuses, "latencies": latencies, "seconds": seconds, "cpu": cpu}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def start_gunicorn(procs: Processes) -> tuple[int, int]:
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = service_env() | {SECRET_ENV: SECRET, "LOG_LEVEL": "WARNING"}
    proc = procs.start(
        "gunicorn",
        [gunicorn, "tests.bench.webhook_wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--backlog", "256"],
        env=env,
    )

    def answers() -> bool:
        procs.check_alive("gunicorn")
        try:
            urllib.request.urlopen(
                urllib.request.Request(f"http://127.0.0.1:{port}/bench/noop/", data=b"{}"), timeout=5
            ).close()
        except (urllib.error.URLError, OSError):
            return False
        return True

    wait_until(answers, timeout=60, what="gunicorn to answer")
    return port, proc.pid


def main() -> None:
    setup_django("finops_bench_webhooks")
    from console.audit.actors import Actor
    from console.sources.models import WebhookDelivery
    from console.sources.services.endpoints import webhook_endpoint_set
    from console.sync.models import LegalEntity

    LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")
    webhook_endpoint_set(
        actor=Actor.system("bench"),
        user=None,
        code="shop-bench",
        provider="shopify",
        entity_code="US01",
        secret_env=SECRET_ENV,
    )
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in PATHS}
    with tempfile.TemporaryDirectory() as logs, Processes(Path(logs)) as procs:
        port, gunicorn_pid = start_gunicorn(procs)
        # Warm-up: imports, connections and caches of both workers, for both addresses.
        template = order_body()
        for n in range(40):
            for name, path in PATHS.items():
                body = template.replace(b"ORDER_ID", str(n).encode())
                status = post(port, path, body, f"warm-{n}" if name == "webhook" else None)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status} while warming up")
        roots = server_roots(gunicorn_pid)
        for number in range(1, ROUNDS + 1):
            for name in PATHS:
                found[name].append(round_run(port, name, number, roots))
        procs.check_alive("gunicorn")
    stored = WebhookDelivery.objects.filter(provider_event_id__startswith="bench-", repeat_of=None).count()
    import redis

    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    messages = int(broker.llen("webhooks"))
    broker.delete("webhooks")

    print(f"machine: {machine()}; nproc {os.cpu_count()}")
    print(
        f"gunicorn: 2 sync workers; clients: {CLIENT_PROCESSES} processes x {THREADS_PER_PROCESS} threads on the "
        f"same machine; {ROUNDS} rounds of {ROUND_SECONDS:.0f} s each, in turns"
    )
    rates: dict[str, float] = {}
    p99s: dict[str, float] = {}
    statuses: dict[str, dict[int, int]] = {}
    for name, rounds in found.items():
        latencies = [ms for r in rounds for ms in r["latencies"]]
        seconds = sum(r["seconds"] for r in rounds)
        rates[name] = len(latencies) / seconds
        p99s[name] = percentile(latencies, 0.99)
        statuses[name] = {}
        for r in rounds:
            for status, count in r["statuses"].items():
                statuses[name][status] = statuses[name].get(status, 0) + count
        cpu = {role: sum(r["cpu"][role] for r in rounds) * 1000 / len(latencies) for role in ("gunicorn", "postgres")}
        per_round = ", ".join(f"{len(r['latencies']) / r['seconds']:,.0f}" for r in rounds)
        print(
            f"{name}: {len(latencies)} requests, {rates[name]:,.0f}/s (rounds: {per_round}), answer p50 "
            f"{statistics.median(latencies):.1f} ms, p99 {p99s[name]:.1f} ms, max {max(latencies):.1f} ms; "
            f"CPU per request: gunicorn {cpu['gunicorn']:.2f} ms, PostgreSQL {cpu['postgres']:.2f} ms; "
            f"statuses {statuses[name]}"
        )
    count = sum(statuses["webhook"].values())
    assert statuses["webhook"] == {200: count}, statuses["webhook"]
    assert stored == count, (stored, count)
    print(f"deliveries stored: {stored}, one per webhook request; processing messages sent: {messages}")
    ratio = rates["webhook"] / rates["no-op view"]
    print(
        f"ratio webhook / no-op: {ratio:.0%} (target >= {TARGET_RATIO:.0%}); webhook p99 {p99s['webhook']:.1f} ms "
        f"(target < {TARGET_P99_MS:.0f} ms)"
    )


if __name__ == "__main__":
    main()
