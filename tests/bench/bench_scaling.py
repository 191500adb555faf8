"""Posting throughput as workers are added: 1, 2 and 4 Celery workers against an Odoo-like latency.

Run by `make bench` (PostgreSQL and Redis started by scripts/services.sh). The Odoo
sandbox runs with bench_posting's latency model (a real Odoo 18 on 2 cores: 5
invoices/s one by one, 14/s in batches of 50), and lets concurrent calls overlap as a
multi-worker Odoo does. For each worker count N, N worker processes (each
`--concurrency 1`, queue `posting`, as finops-worker@.service runs them with
FINOPS_WORKER_CONCURRENCY=1) are started and answer a ping; then EVENTS invoice events
are ingested through the API, 50 a request as a busy source sends them, and the run is
timed from the first request until every event is posted. Each run is checked exactly
once in the sandbox (one posted account.move per event, with its marker). Printed:
events/s per worker count and the ratio to 1 worker.

What it does not measure: the sandbox is one process on the same 2 cores, so a real
Odoo's own capacity (its workers, its database) is the next limit, as it would be in
production; here the posting workers mostly wait on the sandbox's sleep.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_posting import (
    Processes,
    check_exactly_once,
    odoo_latencies,
    prepare,
    service_env,
    start_sandbox,
    wait_posted,
    wait_until,
)
from tests.bench.common import machine

WORKER_COUNTS = (1, 2, 4)
EVENTS = 800
PER_REQUEST = 50


def start_workers(procs: Processes, count: int) -> list[str]:
    names = [f"scale{count}-w{i}" for i in range(1, count + 1)]
    for name in names:
        procs.start(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "console",
                "worker",
                "--queues",
                "posting",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                "--hostname",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=service_env(),
        )
    from console.celery import app

    def all_answer() -> bool:
        for name in names:
            procs.check_alive(name)
        replies = app.control.ping(timeout=1.0)
        return sum(1 for reply in replies for host in reply if host.startswith("scale")) >= count

    wait_until(all_answer, timeout=90, what=f"{count} workers to answer a ping", interval=0.5)
    return names


def ingest_stream(token: str, prefix: str) -> None:
    from django.test import Client

    from tests.factories import invoice_event

    client = Client()
    for start in range(0, EVENTS, PER_REQUEST):
        body = json.dumps({"events": [invoice_event(f"{prefix}{i:05d}") for i in range(start, start + PER_REQUEST)]})
        response = client.post(
            "/api/v1/events/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
        )
        assert response.status_code == 201, response.content[:300]


def run(procs: Processes, url: str, token: str, count: int) -> dict[str, float]:
    names = start_workers(procs, count)
    prefix = f"sc{count}-"
    try:
        started = time.perf_counter()
        ingest_stream(token, prefix)

        def all_alive() -> None:
            for name in names:
                procs.check_alive(name)

        timing = wait_posted(procs, names[0], prefix, EVENTS, started, on_poll=all_alive)
    finally:
        for name in names:
            procs.stop(name)
    check_exactly_once(url, prefix, EVENTS)
    return {"seconds": timing["done"], "rate": EVENTS / timing["done"]}


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def main() -> None:
    call_ms, record_ms = odoo_latencies()
    var_dir = Path(tempfile.mkdtemp(prefix="finops-bench-scaling-"))
    failed = True
    results: dict[int, dict[str, float]] = {}
    try:
        with Processes(var_dir) as procs:
            url = start_sandbox(procs, call_ms=call_ms, record_ms=record_ms)
            token = prepare("finops_bench_scaling", url, var_dir, redis_db=2)
            from django.conf import settings

            batch, parallel = settings.POSTING_BATCH_SIZE, settings.POSTING_PARALLEL_PER_GROUP
            for count in WORKER_COUNTS:
                results[count] = run(procs, url, token, count)
        failed = False
    finally:
        if failed:
            print(f"bench_scaling: logs kept in {var_dir}", file=sys.stderr)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)

    print(f"machine: {machine()}, commit {git_commit()}")
    print(
        f"Odoo sandbox latency: {call_ms:.2f} ms per call + {record_ms:.2f} ms per record (bench_posting's model); "
        f"POSTING_BATCH_SIZE {batch}, POSTING_PARALLEL_PER_GROUP {parallel}; {EVENTS} invoice events, "
        f"{PER_REQUEST} a request, one entity"
    )
    one = results[WORKER_COUNTS[0]]["rate"]
    for count, run_ in results.items():
        print(
            f"{count} worker{'s' if count > 1 else ' '} (--concurrency 1 each): {EVENTS} events posted in "
            f"{run_['seconds']:.2f} s = {run_['rate']:.2f} events/s, {run_['rate'] / one:.2f}x 1 worker; exactly once"
        )


if __name__ == "__main__":
    main()
