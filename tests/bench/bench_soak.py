"""Soak: the demo's own configuration at 10x the demo's traffic, for 20 minutes.

Run by `make bench` (scripts/bench.sh), or alone for a shorter try:
    .venv/bin/python tests/bench/bench_soak.py --minutes 3 --baseline-minutes 2

What runs is scripts/demo.sh itself, as `make demo` starts it (SQLite, the
embedded filesystem broker, the Odoo sandbox with the demo's latencies, the
workers and the beat), on free ports and a scratch var/ of its own, with the
demo's traffic generator turned off; the load comes from `manage.py demo_traffic
--per-second 40` (the demo sends 4 a second) against its web server. Every
minute it prints, from the demo's database and broker folder: events received
and posted, events waiting and the oldest one's age, messages queued per
queue, posting latency p50/p95 (received -> posted and occurred -> posted,
as the flows' SLO measures it) and the machine's load (it is shared: the
other processes' share of the CPU is printed beside each line). Every few
minutes a person (olivia) confirms a bulk retry of 24 open cases through the
casework service, as the page does, and the time from the click to the run
starting and to its first case retried is printed.

Targets: no growth of the queue after the first minute; every bulk run started
within 5 s; p95 posting latency (occurred -> posted) of every flow under its SLO.

The baseline is the same run, shorter, of the code before the fix (commit
BASELINE_REF, unpacked to a scratch folder): its demo.sh, patched only for its
ports and without its own traffic, under the same load. Ratios compare the two.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import machine

ROOT = Path(__file__).resolve().parents[2]
# main before issue 13's broker fix: one queue, kombu's 1 s polling, a message per event.
BASELINE_REF = "21b9af0"
DEMO_RATE = 4.0
BULK_TARGET_SECONDS = 5.0
BULK_CASES = 24
BULK_WAIT_SECONDS = 120.0
STARTUP_TIMEOUT_SECONDS = 180.0
WAITING = ("queued", "posting", "retry_wait")

BULK_CLICK = """
import json
from django.utils import timezone
from console.access.models import User
from console.audit.actors import Actor
from console.casework.models import ExceptionCase
from console.casework.services.bulk import bulk_confirm, bulk_preview

user = User.objects.get(username="olivia")
ids = list(
    ExceptionCase.objects.filter(state__in=["open", "in_progress"], event__state__in=["failed", "blocked"])
    .order_by("pk").values_list("pk", flat=True)[:%d]
)
run = bulk_preview(user=user, action="retry", cases=ExceptionCase.objects.filter(pk__in=ids), filter_query="bench_soak")
clicked = timezone.now()
bulk_confirm(user=user, run_id=run.pk, actor=Actor.person(user, "127.0.0.1"))
print(json.dumps({"run": run.pk, "cases": run.total, "clicked": clicked.isoformat()}))
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def utc(text: str | None) -> datetime | None:
    """SQLite holds Django's aware datetimes as naive UTC text."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def pct(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


class CpuMeter:
    """The machine's CPU used since the last reading, and the share of it that was ours."""

    def __init__(self, pgid: int, *, also: tuple[int, ...] = ()) -> None:
        self.pgid = pgid
        self.also = also  # the load generator and this process: part of the run, not of the others
        self.last = self._read()

    def _read(self) -> tuple[float, float, float]:
        with open("/proc/stat") as handle:
            fields = [float(x) for x in handle.readline().split()[1:]]
        idle = fields[3] + fields[4]
        ours = 0.0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    stat = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[2]) == self.pgid or int(entry) in self.also:  # the demo's group and its children
                ours += float(stat[11]) + float(stat[12]) + float(stat[13]) + float(stat[14])
        return sum(fields), idle, ours

    def sample(self) -> tuple[float, float]:
        """(busy share of the machine, share of the machine used by other processes)."""
        total, idle, ours = self._read()
        last_total, last_idle, last_ours = self.last
        self.last = (total, idle, ours)
        span = max(total - last_total, 1.0)
        busy = 1.0 - (idle - last_idle) / span
        return busy, max(0.0, busy - (ours - last_ours) / span)


@dataclass
class Bulk:
    run: int
    cases: int
    clicked: datetime
    started_after: float | None = None
    first_case_after: float | None = None


@dataclass
class Sample:
    minute: int
    received: int
    posted: int
    waiting: int
    oldest_waiting: float | None
    queues: dict[str, int]
    p50: float | None
    p95: float | None
    p95_occurred: float | None
    busy: float
    others: float


@dataclass
class Result:
    label: str
    minutes: float
    samples: list[Sample] = field(default_factory=list)
    bulks: list[Bulk] = field(default_factory=list)
    received_latency: list[float] = field(default_factory=list)
    occurred_latency: dict[str, list[float]] = field(default_factory=dict)
    # Events still waiting at the end, at their age: a latency at least that long.
    waiting_age: dict[str, list[float]] = field(default_factory=dict)
    waiting_received_age: list[float] = field(default_factory=list)
    slo: dict[str, int] = field(default_factory=dict)
    sent: str = ""


class Demo:
    """scripts/demo.sh of a source tree, on its own ports and var/, in its own process group."""

    def __init__(self, tree: Path, scratch: Path, *, patched: bool) -> None:
        self.tree = tree
        self.web_port, self.sandbox_port = free_port(), free_port()
        self.var = scratch / "var"
        self.var.mkdir(parents=True, exist_ok=True)
        self.out = scratch / "demo.out"
        self.script = tree / "scripts" / "demo.sh"
        if patched:
            self.var = tree / "var"  # the old demo keeps its var/ in the tree
            self._patch_old_script()
        env = dict(os.environ)
        for name in ("DATABASE_URL", "CELERY_BROKER_URL", "FINOPS_ENV"):
            env.pop(name, None)
        env.update(
            FINOPS_VAR_DIR=str(self.var),
            FINOPS_WEB_PORT=str(self.web_port),
            FINOPS_SANDBOX_PORT=str(self.sandbox_port),
            FINOPS_DEMO_EVENTS_PER_SECOND="0",
            FINOPS_DEMO_PROGRESS_SECONDS="60",
            ODOO_URL=f"http://127.0.0.1:{self.sandbox_port}",
        )
        if patched:
            env.pop("FINOPS_VAR_DIR")
        self.proc = subprocess.Popen(
            ["bash", str(self.script)],
            cwd=tree,
            env=env,
            stdout=self.out.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _patch_old_script(self) -> None:
        text = self.script.read_text()
        swaps = [
            ("--port 8069", f"--port {self.sandbox_port}"),
            ("wait_for_port 8069", f"wait_for_port {self.sandbox_port}"),
            ("http://127.0.0.1:8069", f"http://127.0.0.1:{self.sandbox_port}"),
            ("$PY manage.py demo_traffic --per-second 4", "true"),
            ("127.0.0.1:8000", f"127.0.0.1:{self.web_port}"),
        ]
        for old, new in swaps:
            if old not in text:
                raise SystemExit(f"baseline demo.sh: {old!r} not found, cannot patch its ports")
            text = text.replace(old, new)
        self.script.write_text(text)

    @property
    def database(self) -> Path:
        return self.var / "finops.sqlite3"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not (port_open(self.web_port) and (self.var / "demo_token").exists()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the demo did not start:\n{self.out.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything of the group still left
        except ProcessLookupError:
            pass

    def queues(self) -> dict[str, int]:
        """Message files per queue in the broker's folder (kombu's name: <time>_<uuid>.<queue>.msg)."""
        found: Counter[str] = Counter()
        for name in os.listdir(self.var / "broker" / "queue"):
            if name.endswith(".msg") and not name.startswith("."):
                found[name.partition(".")[2].removesuffix(".msg")] += 1
        return dict(found)

    def click_bulk_retry(self) -> Bulk | None:
        env = dict(os.environ, FINOPS_ENV="development")
        for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
            env.pop(name, None)
        if self.var != self.tree / "var":
            env["FINOPS_VAR_DIR"] = str(self.var)
        done = subprocess.run(
            [str(self.tree / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", BULK_CLICK % BULK_CASES],
            cwd=self.tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode or not lines:
            print(f"  bulk retry not confirmed: {(done.stderr or done.stdout)[-300:]}", flush=True)
            return None
        data = json.loads(lines[-1])
        clicked = utc(data["clicked"])
        assert clicked is not None
        return Bulk(run=int(data["run"]), cases=int(data["cases"]), clicked=clicked)


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    db.execute("PRAGMA query_only = 1")
    return db


def watch_bulk(path: Path, bulk: Bulk) -> None:
    """Poll until the run started and its first case was retried (or BULK_WAIT_SECONDS passed)."""
    db = connect(path)
    deadline = time.monotonic() + BULK_WAIT_SECONDS
    clicked = bulk.clicked.isoformat(sep=" ").removesuffix("+00:00")
    while time.monotonic() < deadline and bulk.first_case_after is None:
        started, ids = db.execute(
            "SELECT started_at, case_ids FROM casework_bulkrun WHERE id = ?", (bulk.run,)
        ).fetchone()
        when = utc(started)
        if when is not None and bulk.started_after is None:
            bulk.started_after = (when - bulk.clicked).total_seconds()
        marks = ",".join("?" * len(json.loads(ids)))
        first = db.execute(
            f"SELECT MIN(at) FROM casework_caseactivity WHERE kind = 'retried' AND at >= ? AND case_id IN ({marks})",
            (clicked, *json.loads(ids)),
        ).fetchone()[0]
        if first:
            moment = utc(first)
            assert moment is not None
            bulk.first_case_after = (moment - bulk.clicked).total_seconds()
        time.sleep(0.2)
    db.close()


def sample(demo: Demo, db: sqlite3.Connection, minute: int, since: datetime, meter: CpuMeter) -> Sample:
    states = dict(db.execute("SELECT state, COUNT(*) FROM sync_syncevent GROUP BY state").fetchall())
    now = datetime.now(UTC)
    oldest = db.execute(
        f"SELECT MIN(received_at) FROM sync_syncevent WHERE state IN ({','.join('?' * len(WAITING))})", WAITING
    ).fetchone()[0]
    rows = db.execute(
        "SELECT received_at, occurred_at, posted_at FROM sync_syncevent WHERE state = 'posted' AND posted_at >= ?",
        (since.isoformat(sep=" ").removesuffix("+00:00"),),
    ).fetchall()
    received = [(utc(p) - utc(r)).total_seconds() for r, _, p in rows]  # type: ignore[operator]
    occurred = [(utc(p) - utc(o)).total_seconds() for _, o, p in rows]  # type: ignore[operator]
    oldest_at = utc(oldest)
    busy, others = meter.sample()
    return Sample(
        minute=minute,
        received=sum(states.values()),
        posted=states.get("posted", 0),
        waiting=sum(states.get(s, 0) for s in WAITING),
        oldest_waiting=None if oldest_at is None else (now - oldest_at).total_seconds(),
        queues=demo.queues(),
        p50=pct(received, 0.5),
        p95=pct(received, 0.95),
        p95_occurred=pct(occurred, 0.95),
        busy=busy,
        others=others,
    )


def print_sample(s: Sample, before: Sample | None) -> None:
    queues = " ".join(f"{name} {n}" for name, n in sorted(s.queues.items())) or "none"
    received = s.received - (before.received if before else 0)
    posted = s.posted - (before.posted if before else 0)
    print(
        f"  {s.minute:>3}  received {s.received:>7,} (+{received:>5,})  posted {s.posted:>7,} (+{posted:>5,})  "
        f"waiting {s.waiting:>6,} (oldest {seconds(s.oldest_waiting):>6} s)  messages: {queues:<28}  "
        f"latency p50/p95 {seconds(s.p50)}/{seconds(s.p95)} s (occurred p95 {seconds(s.p95_occurred)} s)  "
        f"cpu {s.busy:.0%}, others {s.others:.0%}",
        flush=True,
    )


def run(label: str, tree: Path, *, minutes: float, rate: float, bulk_every: float, patched: bool, keep: bool) -> Result:
    print(f"\n== {label}: {minutes:g} min at {rate:g} events/s ({tree})", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"soak-{label}-"))
    demo = Demo(tree, scratch, patched=patched)
    result = Result(label=label, minutes=minutes)
    traffic: subprocess.Popen[bytes] | None = None
    watchers: list[threading.Thread] = []
    try:
        demo.wait_ready()
        traffic_env = dict(os.environ, FINOPS_ENV="development", FINOPS_VAR_DIR=str(scratch / "traffic-var"))
        traffic = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "demo_traffic",
                "--url",
                f"http://127.0.0.1:{demo.web_port}/api/v1/events/",
                "--per-second",
                f"{rate:g}",
                "--token-file",
                str(demo.var / "demo_token"),
            ],
            cwd=ROOT,
            env=traffic_env,
            stdout=(scratch / "traffic.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        meter = CpuMeter(os.getpgid(demo.proc.pid), also=(traffic.pid, os.getpid()))
        db = connect(demo.database)
        start = time.monotonic()
        started_at = datetime.now(UTC)
        previous_at = started_at
        next_bulk = min(2.0, minutes / 2) * 60
        before: Sample | None = None
        for minute in range(1, int(minutes) + 1):
            while time.monotonic() - start < minute * 60:
                if bulk_every and time.monotonic() - start >= next_bulk:
                    next_bulk += bulk_every * 60
                    bulk = demo.click_bulk_retry()
                    if bulk is not None:
                        result.bulks.append(bulk)
                        watcher = threading.Thread(target=watch_bulk, args=(demo.database, bulk), daemon=True)
                        watcher.start()
                        watchers.append(watcher)
                time.sleep(0.5)
            now = datetime.now(UTC)
            current = sample(demo, db, minute, previous_at, meter)
            previous_at = now
            print_sample(current, before)
            result.samples.append(current)
            before = current
        # Latency over the whole run after the first minute, per flow.
        steady = started_at.timestamp() + 60
        rows = db.execute(
            "SELECT f.name, f.freshness_slo_seconds, e.received_at, e.occurred_at, e.posted_at "
            "FROM sync_syncevent e JOIN sync_flow f ON f.id = e.flow_id WHERE e.state = 'posted'"
        ).fetchall()
        for name, slo, received_at, occurred_at, posted_at in rows:
            posted, received, occurred = utc(posted_at), utc(received_at), utc(occurred_at)
            assert posted is not None and received is not None and occurred is not None
            if posted.timestamp() < steady:
                continue
            result.slo[name] = int(slo)
            result.received_latency.append((posted - received).total_seconds())
            result.occurred_latency.setdefault(name, []).append((posted - occurred).total_seconds())
        end = datetime.now(UTC)
        waiting = db.execute(
            "SELECT f.name, f.freshness_slo_seconds, e.occurred_at, e.received_at FROM sync_syncevent e "
            f"JOIN sync_flow f ON f.id = e.flow_id WHERE e.state IN ({','.join('?' * len(WAITING))})",
            WAITING,
        ).fetchall()
        for name, slo, occurred_at, received_at in waiting:
            occurred, received = utc(occurred_at), utc(received_at)
            assert occurred is not None and received is not None
            result.slo[name] = int(slo)
            result.waiting_age.setdefault(name, []).append((end - occurred).total_seconds())
            result.waiting_received_age.append((end - received).total_seconds())
        db.close()
    finally:
        if traffic is not None:
            traffic.send_signal(signal.SIGINT)
            try:
                traffic.wait(timeout=30)
            except subprocess.TimeoutExpired:
                traffic.kill()
        for watcher in watchers:
            watcher.join(timeout=BULK_WAIT_SECONDS)
        demo.stop()
    log = (scratch / "traffic.log").read_text(errors="replace").strip().splitlines()
    result.sent = log[-1] if log else ""
    if keep:
        print(f"  kept: {scratch} and {demo.var}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


@dataclass
class Verdict:
    depth_first: int
    depth_max_after: int
    depth_last: int
    bounded: bool
    bulk_started: list[float | None]
    posted_per_second: float
    p50: float | None
    p95: float | None


def judge(result: Result) -> Verdict:
    depths = [sum(s.queues.values()) for s in result.samples]
    first = depths[0] if depths else 0
    after = depths[1:] or [first]
    # Bounded: after the first minute the queue is never deeper than in it, give or
    # take one message per entity and kind (five in the demo) in flight.
    bounded = max(after) <= first + 5
    steady = result.samples[1:] or result.samples
    posted = (steady[-1].posted - (result.samples[0].posted if len(result.samples) > 1 else 0)) if steady else 0
    span = max(len(steady), 1) * 60
    return Verdict(
        depth_first=first,
        depth_max_after=max(after),
        depth_last=depths[-1] if depths else 0,
        bounded=bounded,
        bulk_started=[b.started_after for b in result.bulks],
        posted_per_second=posted / span,
        p50=pct(result.received_latency + result.waiting_received_age, 0.5),
        p95=pct(result.received_latency + result.waiting_received_age, 0.95),
    )


def report(result: Result) -> Verdict:
    verdict = judge(result)
    print(f"\n-- {result.label}: {result.sent}")
    print(
        f"  queue depth: {verdict.depth_first} after the first minute, at most {verdict.depth_max_after} after it, "
        f"{verdict.depth_last} at the end: {'bounded (met)' if verdict.bounded else 'GROWS (missed)'}"
    )
    print(
        f"  posted {verdict.posted_per_second:.1f} events/s after the first minute; latency received -> posted "
        f"p50 {seconds(verdict.p50)} s, p95 {seconds(verdict.p95)} s (the {len(result.waiting_received_age):,} "
        "events still waiting at the end counted at their age)"
    )
    for name in sorted(result.slo):
        values = result.occurred_latency.get(name, [])
        waiting = result.waiting_age.get(name, [])
        p95 = pct(values + waiting, 0.95)  # an event still waiting counts at its age
        slo = result.slo[name]
        state = "met" if p95 is not None and p95 < slo else "MISSED"
        print(
            f"  {name}: {len(values):,} posted, occurred -> posted p50 {seconds(pct(values, 0.5))} s, "
            f"p95 {seconds(pct(values, 0.95))} s; with the {len(waiting):,} still waiting at their age "
            f"p95 {seconds(p95)} s (SLO {slo:,} s: {state})"
        )
    for bulk in result.bulks:
        started = bulk.started_after
        state = "met" if started is not None and started <= BULK_TARGET_SECONDS else "MISSED"
        print(
            f"  bulk retry run {bulk.run} ({bulk.cases} cases): started {seconds(started)} s after the click "
            f"({state}, target {BULK_TARGET_SECONDS:g} s), first case retried after {seconds(bulk.first_case_after)} s"
            + ("" if started is not None else f" (not started within {BULK_WAIT_SECONDS:g} s)")
        )
    if not result.bulks:
        print("  bulk retry: none confirmed (no open case to retry)")
    return verdict


def baseline_tree(ref: str, into: Path) -> Path:
    tree = into / "tree"
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / ".venv").symlink_to((ROOT / ".venv").resolve())
    return tree


def ratio(new: float | None, old: float | None) -> str:
    if new is None or old is None or new == 0:
        return "-"
    return f"{old / new:.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="Length of the run of this code.")
    parser.add_argument("--rate", type=float, default=10 * DEMO_RATE, help="Events a second (the demo sends 4).")
    parser.add_argument("--baseline-minutes", type=float, default=3.0, help="Length of the old code's run (0: none).")
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="The old code's commit.")
    parser.add_argument("--bulk-every", type=float, default=4.0, help="Minutes between two bulk retries (0: none).")
    parser.add_argument("--keep", action="store_true", help="Keep each run's var/ (database, logs) and say where.")
    args = parser.parse_args()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {machine()}; nproc {nproc}; load average {Path('/proc/loadavg').read_text().split()[:3]}")
    print(f"target: queue depth bounded, bulk run started within {BULK_TARGET_SECONDS:g} s, p95 under each flow's SLO")

    baseline: Verdict | None = None
    if args.baseline_minutes:
        scratch = Path(tempfile.mkdtemp(prefix="soak-baseline-tree-"))
        try:
            tree = baseline_tree(args.baseline_ref, scratch)
            old = run(
                f"baseline {args.baseline_ref}",
                tree,
                minutes=args.baseline_minutes,
                rate=args.rate,
                bulk_every=max(1.0, args.baseline_minutes / 2),
                patched=True,
                keep=args.keep,
            )
            baseline = report(old)
        finally:
            if not args.keep:
                shutil.rmtree(scratch, ignore_errors=True)

    new = run(
        "this code",
        ROOT,
        minutes=args.minutes,
        rate=args.rate,
        bulk_every=args.bulk_every,
        patched=False,
        keep=args.keep,
    )
    verdict = report(new)
    if baseline is not None:
        started_new = [s for s in verdict.bulk_started if s is not None]
        started_old = [s for s in baseline.bulk_started if s is not None]
        print(
            f"\n-- ratios (baseline / this code): p95 received -> posted {ratio(verdict.p95, baseline.p95)}, "
            f"p50 {ratio(verdict.p50, baseline.p50)}; posted per second "
            f"{verdict.posted_per_second / max(baseline.posted_per_second, 0.01):.1f}x this code's; "
            f"queue depth at the end {baseline.depth_last} vs {verdict.depth_last}; bulk start "
            f"{seconds(statistics.median(started_old) if started_old else None)} s vs "
            f"{seconds(statistics.median(started_new) if started_new else None)} s (medians; a run not started "
            f"within {BULK_WAIT_SECONDS:g} s counts as not started)"
        )
    print(f"load average at the end {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
