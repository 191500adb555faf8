"""Posting throughput into an Odoo whose own cost is the bottleneck, against a one-by-one XML-RPC loop.

Run by `make bench` (PostgreSQL and Redis started by scripts/services.sh). A real
Odoo 18 on 2 cores creates and posts about 5 customer invoices/s one by one
(create + action_post per invoice) and about 14/s when 50 are created in one
create and posted in one action_post. The Odoo sandbox is started with a per-call
and a per-record latency solved from those two figures, then:

(a) a plain stdlib xmlrpc.client loop creates and posts ~50 invoices one by one
    (the naive integration): invoices/s;
(b) ~600 invoice events are ingested through the API, then ONE Celery worker
    (--concurrency 1) is started and timed from its start until every event is
    posted: events/s and the ratio to (a) (target >= 2.5x);
(c) the same with --concurrency 2 on fresh events. The sandbox lets concurrent
    calls overlap (their latency is slept outside its lock), as a multi-worker
    Odoo would.

After each run, exactly-once is checked in the sandbox: as many account.move
carrying the events' markers (ref `shopify/<external_id>`) as events posted.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import machine, setup_django

ROOT = Path(__file__).resolve().parents[2]

# The figures of a real Odoo 18 on a 2-core machine (from the issue).
ONE_BY_ONE_PER_SECOND = 5.0
BATCHED_PER_SECOND = 14.0
BATCHED_SIZE = 50

BASELINE_INVOICES = 50
PIPELINE_EVENTS = 600
TARGET_RATIO = 2.5
DRAIN_TIMEOUT_SECONDS = 600.0
ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD = "sandbox", "admin", "admin"
DEMO_PASSWORD = "bench-demo-password"


def odoo_latencies() -> tuple[float, float]:
    """(per-call ms, per-record ms) such that create + action_post of one invoice
    (2 calls, 2 records) takes 1/5 s and of a batch of 50 (2 calls, 100 records) 50/14 s."""
    one = 1000.0 / ONE_BY_ONE_PER_SECOND  # 2 C + 2 R
    batch = 1000.0 * BATCHED_SIZE / BATCHED_PER_SECOND  # 2 C + 2 * 50 R
    record_ms = (batch - one) / (2 * BATCHED_SIZE - 2)
    call_ms = (one - 2 * record_ms) / 2
    return call_ms, record_ms


# --- processes -----------------------------------------------------------------


class Processes:
    """Subprocesses in their own process groups, all stopped by stop_all() (or the with block)."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        with open(self.log_dir / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stopping it takes its children (pool, workers) too
            )
        self.procs[name] = proc
        return proc

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def check_alive(self, name: str) -> None:
        proc = self.procs[name]
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait(timeout=10)
        # The group may outlive its leader (e.g. a pool child): make sure none is left.
        _signal_group(proc, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def start_sandbox(procs: Processes, *, call_ms: float, record_ms: float) -> str:
    port = free_port()
    procs.start(
        "sandbox",
        [
            sys.executable,
            "manage.py",
            "odoo_sandbox",
            "--port",
            str(port),
            "--latency-call-ms",
            f"{call_ms:.3f}",
            "--latency-record-ms",
            f"{record_ms:.3f}",
        ],
    )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        procs.check_alive("sandbox")
        try:
            xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
        except OSError:
            return False
        return True

    wait_until(answers, timeout=60, what="the Odoo sandbox to answer")
    return url


def prepare(name: str, sandbox_url: str, var_dir: Path, *, redis_db: int) -> str:
    """A fresh database `name` with the demo configuration resolved against the sandbox; returns the token.

    The broker moves to Redis database `redis_db`, emptied first: a message names
    event ids of one PostgreSQL database, so a worker must never see another
    benchmark's messages (left over, or from one running at the same time)."""
    import redis

    broker = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0] + f"/{redis_db}"
    redis.Redis.from_url(broker).flushdb()
    os.environ.update(
        CELERY_BROKER_URL=broker,
        FINOPS_VAR_DIR=str(var_dir),
        ODOO_URL=sandbox_url,
        ODOO_DB=ODOO_DB,
        ODOO_LOGIN=ODOO_LOGIN,
        ODOO_PASSWORD=ODOO_PASSWORD,
        LOG_LEVEL="WARNING",
    )
    setup_django(name)
    from django.contrib.auth.models import Group

    from console.access.roles import ROLE_GROUPS
    from console.sync.services.demo import demo_seed, demo_token_path

    for group in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=group)
    demo_seed(password=DEMO_PASSWORD)
    return Path(demo_token_path()).read_text().strip()


def service_env() -> dict[str, str]:
    """The environment of a worker or web process: the benchmark's (set by prepare())."""
    env = dict(os.environ)
    env.setdefault("FINOPS_ENV", "test")
    return env


def start_worker(procs: Processes, name: str, concurrency: int) -> subprocess.Popen[bytes]:
    return procs.start(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "console",
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        env=service_env(),
    )


def event_states(prefix: str) -> dict[str, int]:
    from django.db.models import Count

    from console.sync.models import SyncEvent

    rows = SyncEvent.objects.filter(external_id__startswith=prefix).values_list("state").annotate(n=Count("id"))
    return {state: n for state, n in rows}


def fail_with_reasons(prefix: str, states: dict[str, int]) -> None:
    from django.db.models import Count

    from console.sync.models import SyncEvent

    rows = (
        SyncEvent.objects.filter(external_id__startswith=prefix)
        .exclude(state__in=["posted", "queued", "posting"])
        .values_list("state", "reason_code", "reason_message")
        .annotate(n=Count("id"))
        .order_by("-n")[:10]
    )
    reasons = "\n".join(f"  {n} x {state} {code}: {message[:300]}" for state, code, message, n in rows)
    raise RuntimeError(f"events did not post ({states}):\n{reasons}")


def wait_posted(
    procs: Processes,
    worker: str,
    prefix: str,
    count: int,
    started: float,
    *,
    timeout: float = DRAIN_TIMEOUT_SECONDS,
    interval: float = 0.05,
    on_poll: Callable[[], None] | None = None,
) -> dict[str, float]:
    """Poll until `count` events of `prefix` are posted; returns when (seconds after `started`) the
    first was claimed and the last posted.

    failed, blocked and retry_wait end the run at once: the benchmarks inject no
    faults and run no sweeper, so any of them is a bug to look at, not a slow path."""
    first_claim = 0.0
    deadline = time.monotonic() + timeout
    while True:
        if on_poll is not None:
            on_poll()
        states = event_states(prefix)
        now = time.perf_counter()
        if not first_claim and states.get("queued", 0) < count:
            first_claim = now - started
        if any(states.get(bad) for bad in ("failed", "blocked", "retry_wait")):
            fail_with_reasons(prefix, states)
        if states.get("posted", 0) == count:
            return {"first_claim": first_claim, "done": now - started}
        procs.check_alive(worker)
        if time.monotonic() > deadline:
            raise TimeoutError(f"after {timeout:.0f} s only {states} of {count} events")
        time.sleep(interval)


def odoo_object(url: str) -> Any:
    return xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)


def odoo_uid(url: str) -> int:
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    return int(common.authenticate(ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD, {}))  # type: ignore[arg-type]


def odoo_count(url: str, model: str, domain: list[Any]) -> int:
    uid = odoo_uid(url)
    return int(odoo_object(url).execute_kw(ODOO_DB, uid, ODOO_PASSWORD, model, "search_count", [domain]))


def odoo_object_calls(url: str) -> int:
    return int(xmlrpc.client.ServerProxy(f"{url}/sandbox/control").stats()["object_calls"])  # type: ignore[index]


def check_exactly_once(url: str, prefix: str, posted: int) -> str:
    marker = [["ref", "like", f"shopify/{prefix}"]]
    moves = odoo_count(url, "account.move", marker)
    moves_posted = odoo_count(url, "account.move", [*marker, ["state", "=", "posted"]])
    if not moves == moves_posted == posted:
        raise RuntimeError(
            f"exactly-once broken for {prefix}: {posted} events posted, {moves} account.move with their marker, "
            f"{moves_posted} of them posted"
        )
    return f"{posted} events posted = {moves} account.move with ref like 'shopify/{prefix}', all posted"


# --- (a) the naive loop ----------------------------------------------------------


def naive_loop(url: str, count: int) -> float:
    """create + action_post per invoice with the stdlib client, as a hand-written integration does; invoices/s."""
    uid = odoo_uid(url)
    proxy = odoo_object(url)

    def call(model: str, method: str, args: list[Any], **kw: Any) -> Any:
        return proxy.execute_kw(ODOO_DB, uid, ODOO_PASSWORD, model, method, args, kw)

    tax_id = call("account.tax", "search", [[["type_tax_use", "=", "sale"], ["amount", "=", 15.0]]], limit=1)[0]
    account_id = call("account.account", "search", [[["code", "=", "400000"]]], limit=1)[0]
    partner_id = call("res.partner", "create", [{"name": "Naive Loop Customer", "ref": "NAIVE-001"}])
    started = time.perf_counter()
    for i in range(count):
        move_id = call(
            "account.move",
            "create",
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner_id,
                    "invoice_date": "2026-11-20",
                    "ref": f"naive/{i:05d}",
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Espresso machine",
                                "quantity": 1.0,
                                "price_unit": 100.0,
                                "account_id": account_id,
                                "tax_ids": [(6, 0, [tax_id])],
                            },
                        )
                    ],
                }
            ],
        )
        call("account.move", "action_post", [[move_id]])
    seconds = time.perf_counter() - started
    posted = odoo_count(url, "account.move", [["ref", "like", "naive/"], ["state", "=", "posted"]])
    if posted != count:
        raise RuntimeError(f"naive loop: {posted} of {count} invoices posted")
    return count / seconds


# --- (b), (c) the pipeline --------------------------------------------------------


def ingest(token: str, prefix: str, count: int) -> None:
    from django.test import Client

    from tests.factories import invoice_event

    client = Client()
    for start in range(0, count, 1000):
        body = json.dumps(
            {"events": [invoice_event(f"{prefix}{i:05d}") for i in range(start, min(count, start + 1000))]}
        )
        response = client.post(
            "/api/v1/events/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
        )
        assert response.status_code == 201, response.content[:300]
    states = event_states(prefix)
    assert states == {"queued": count}, states


def pipeline_run(procs: Processes, url: str, token: str, prefix: str, concurrency: int) -> dict[str, float]:
    ingest(token, prefix, PIPELINE_EVENTS)
    calls_before = odoo_object_calls(url)
    worker = f"bench-posting-c{concurrency}"
    started = time.perf_counter()
    start_worker(procs, worker, concurrency)
    try:
        timing = wait_posted(procs, worker, prefix, PIPELINE_EVENTS, started)
    finally:
        procs.stop(worker)
    timing["calls"] = odoo_object_calls(url) - calls_before
    timing["rate"] = PIPELINE_EVENTS / timing["done"]
    timing["steady"] = PIPELINE_EVENTS / (timing["done"] - timing["first_claim"])
    return timing


def main() -> None:
    call_ms, record_ms = odoo_latencies()
    var_dir = Path(tempfile.mkdtemp(prefix="finops-bench-posting-"))
    failed = True
    try:
        with Processes(var_dir) as procs:
            url = start_sandbox(procs, call_ms=call_ms, record_ms=record_ms)
            token = prepare("finops_bench_posting", url, var_dir, redis_db=1)
            from django.conf import settings

            batch = settings.POSTING_BATCH_SIZE

            naive = naive_loop(url, BASELINE_INVOICES)
            one = pipeline_run(procs, url, token, "pb1-", concurrency=1)
            one_check = check_exactly_once(url, "pb1-", PIPELINE_EVENTS)
            two = pipeline_run(procs, url, token, "pb2-", concurrency=2)
            two_check = check_exactly_once(url, "pb2-", PIPELINE_EVENTS)
        failed = False
    finally:
        if failed:
            print(f"bench_posting: logs kept in {var_dir}", file=sys.stderr)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)

    batches = -(-PIPELINE_EVENTS // batch)
    print(f"machine: {machine()}")
    print(
        f"Odoo sandbox latency: {call_ms:.2f} ms per call + {record_ms:.2f} ms per record created or posted "
        f"(solved from {ONE_BY_ONE_PER_SECOND:g} invoices/s one by one = 2 calls + 2 records, "
        f"{BATCHED_PER_SECOND:g}/s in batches of {BATCHED_SIZE} = 2 calls + {2 * BATCHED_SIZE} records)"
    )
    print(f"(a) one-by-one xmlrpc.client loop (create + action_post): {BASELINE_INVOICES} invoices, {naive:.2f}/s")
    runs = (("(b)", 1, one, one_check), ("(c)", 2, two, two_check))
    for label, concurrency, run, check in runs:
        target = f" (target >= {TARGET_RATIO:g}x)" if concurrency == 1 else ""
        print(
            f"{label} pipeline, 1 worker --concurrency {concurrency}, POSTING_BATCH_SIZE {batch}: "
            f"{PIPELINE_EVENTS} events posted in {run['done']:.2f} s from worker start = {run['rate']:.2f} events/s, "
            f"{run['rate'] / naive:.2f}x the loop{target}"
        )
        print(
            f"    first claim {run['first_claim']:.2f} s after start; from then {run['steady']:.2f} events/s "
            f"({run['steady'] / naive:.2f}x); {run['calls']:.0f} Odoo object calls "
            f"= {run['calls'] / batches:.1f} per batch of {batch}"
        )
        print(f"    exactly once: {check}")
    print(
        "    (c) overlaps two workers' calls: the sandbox sleeps its latency outside its lock, "
        "as a multi-worker Odoo serves concurrent calls in parallel"
    )


if __name__ == "__main__":
    main()
