"""Peak RSS of one web process and one worker while 20,000 events are ingested and drained.

Run by `make bench` (PostgreSQL and Redis started by scripts/services.sh). Starts
the Odoo sandbox with no latency, gunicorn with one sync worker as the web
process and one Celery worker (--concurrency 1, prefork), sends 20,000 invoice
events over HTTP in batches of 1000 while the worker drains them, and waits until
every one is posted. Peak RSS is VmHWM from /proc/<pid>/status, read every poll
so a process that is replaced still counts: the gunicorn worker (the master's
child) and both the Celery main process and its pool child. Target: <= 200 MB each.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_posting import (
    Processes,
    check_exactly_once,
    event_states,
    free_port,
    prepare,
    service_env,
    start_sandbox,
    start_worker,
    wait_posted,
    wait_until,
)
from tests.bench.common import machine

EVENTS = 20_000
BATCH = 1000
TARGET_MB = 200.0
DRAIN_TIMEOUT_SECONDS = 1800.0
PREFIX = "mem-"
MARK = 5000  # report when every MARK events are posted


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the ppid follows its closing one.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return sorted(found)


def peak_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Peaks:
    """The highest VmHWM seen per role, over every process that held the role."""

    def __init__(self, gunicorn_pid: int, celery_pid: int) -> None:
        self.gunicorn_pid = gunicorn_pid
        self.celery_pid = celery_pid
        self.kb: dict[str, int] = {}
        self.pids: dict[str, set[int]] = {}

    def _see(self, role: str, pid: int) -> None:
        self.pids.setdefault(role, set()).add(pid)
        self.kb[role] = max(self.kb.get(role, 0), peak_kb(pid))

    def sample(self) -> None:
        self._see("gunicorn master", self.gunicorn_pid)
        for pid in children(self.gunicorn_pid):
            self._see("gunicorn worker (web)", pid)
        self._see("celery main process", self.celery_pid)
        for pid in children(self.celery_pid):
            self._see("celery pool child", pid)


def send(url: str, token: str, body: bytes) -> None:
    request = urllib.request.Request(
        f"{url}/api/v1/events/",
        data=body,
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        if response.status != 201:
            raise RuntimeError(f"ingest answered {response.status}: {response.read()[:300]!r}")


def start_gunicorn(procs: Processes) -> str:
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    procs.start("gunicorn", [gunicorn, "console.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"], env=service_env())
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        procs.check_alive("gunicorn")
        try:
            urllib.request.urlopen(f"{url}/api/v1/events/", timeout=5).close()
        except urllib.error.HTTPError:
            return True  # 401/405: Django answered
        except OSError:
            return False
        return True

    wait_until(answers, timeout=60, what="gunicorn to answer")
    return url


def main() -> None:
    from tests.factories import invoice_event

    var_dir = Path(tempfile.mkdtemp(prefix="finops-bench-memory-"))
    failed = True
    try:
        with Processes(var_dir) as procs:
            sandbox = start_sandbox(procs, call_ms=0, record_ms=0)
            token = prepare("finops_bench_memory", sandbox, var_dir, redis_db=2)
            web = start_gunicorn(procs)
            worker = start_worker(procs, "bench-memory", concurrency=1)
            peaks = Peaks(procs.procs["gunicorn"].pid, worker.pid)
            bodies = [
                json.dumps(
                    {"events": [invoice_event(f"{PREFIX}{i:06d}") for i in range(start, start + BATCH)]}
                ).encode()
                for start in range(0, EVENTS, BATCH)
            ]
            marks: dict[int, float] = {}

            def poll() -> None:
                peaks.sample()
                posted = event_states(PREFIX).get("posted", 0)
                for mark in range(MARK, EVENTS + 1, MARK):
                    if posted >= mark and mark not in marks:
                        marks[mark] = time.perf_counter() - started

            started = time.perf_counter()
            for body in bodies:
                send(web, token, body)
                poll()
            sent = time.perf_counter() - started
            timing = wait_posted(
                procs,
                "bench-memory",
                PREFIX,
                EVENTS,
                started,
                timeout=DRAIN_TIMEOUT_SECONDS,
                interval=0.5,
                on_poll=poll,
            )
            peaks.sample()
            check = check_exactly_once(sandbox, PREFIX, EVENTS)
        failed = False
    finally:
        if failed:
            print(f"bench_memory: logs kept in {var_dir}", file=sys.stderr)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)

    print(f"machine: {machine()}")
    print(
        f"{EVENTS} events sent over HTTP in batches of {BATCH} in {sent:.1f} s ({EVENTS / sent:,.0f} events/s) "
        f"while 1 Celery worker (--concurrency 1) drained them; all posted {timing['done']:.1f} s after the "
        f"first request ({EVENTS / timing['done']:.0f} events/s into a zero-latency Odoo sandbox)"
    )
    print(
        "posted by then: "
        + ", ".join(f"{mark:,} at {seconds:.0f} s" for mark, seconds in sorted(marks.items()))
        + " (the drain slows as Odoo fills: the sandbox's search_read scans every stored record, with no index)"
    )
    print(f"exactly once: {check}")
    for role in ("gunicorn worker (web)", "celery main process", "celery pool child"):
        mb = peaks.kb.get(role, 0) * 1024 / 1e6
        verdict = "met" if mb <= TARGET_MB else "MISSED"
        print(
            f"peak RSS (VmHWM) {role}: {mb:.0f} MB, target <= {TARGET_MB:.0f} MB: {verdict} [pid {_pids(peaks, role)}]"
        )
    master = peaks.kb.get("gunicorn master", 0) * 1024 / 1e6
    print(f"(gunicorn master, no app loaded: {master:.0f} MB)")


def _pids(peaks: Peaks, role: str) -> str:
    return ", ".join(str(p) for p in sorted(peaks.pids.get(role, ())))


if __name__ == "__main__":
    main()
