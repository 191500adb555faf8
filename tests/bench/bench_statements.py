"""Importing a bank statement file of 100,000 entries on PostgreSQL: a measurement, not a test.

    .venv/bin/python tests/bench/bench_statements.py [--entries 100000] [--profile]

Run by `make bench` (PostgreSQL and Redis started by scripts/services.sh). Writes a balanced
camt.053 file with tests/bench/camt_file.py, then times, each in a fresh process so its peak
RSS is its own:

(a) a bare lxml iterparse scan of the file: counting the Ntry elements, clearing as it goes;
(c) our parse-and-ingest: statement_file_import of the file, as `manage.py import_statement`
    calls it (the file hashed and kept a chunk at a time, parsed streaming, each entry checked, keyed and recorded
    as a bank_statement_line event, the statement judged, the file kept);

and then, in this process, (b) a bare `INSERT ... ON CONFLICT DO NOTHING` of the rows (c)
stored into a copy of the events table, in batches of 1000, as bench_ingest does. Prints
entries/s of each, c/b (target >= 50%) and c's peak RSS (target < 200 MB). With --profile,
(c) runs under cProfile and prints its top functions.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_ingest import BATCH, COLUMNS, ONE_ROW, _fresh_table  # noqa: E402
from tests.bench.camt_file import write_camt053  # noqa: E402
from tests.bench.common import machine, setup_django  # noqa: E402

DATABASE = "finops_bench_statements"
ACCOUNT = "123456784321"  # not an IBAN: the demo's account number
RSS_TARGET_MB = 200
RATIO_TARGET = 0.50


def _kb(field: str) -> int:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith(f"{field}:"))


def _report(counted: int, seconds: float, before_kb: int, **more: Any) -> None:
    # VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's RSS at the fork, which
    # exec does not reset; the high-water mark of this process image does start afresh.
    peak = _kb("VmHWM")
    print(json.dumps({"entries": counted, "seconds": seconds, "rss_before_kb": before_kb, "peak_kb": peak, **more}))


def scan(path: str) -> None:
    """(a): lxml's iterparse over the file, nothing else."""
    from lxml import etree

    before = _kb("VmRSS")
    started = time.perf_counter()
    counted = 0
    for _, element in etree.iterparse(path, events=("end",), tag="{*}Ntry", resolve_entities=False, no_network=True):
        counted += 1
        element.clear()
        parent = element.getparent()
        while element.getprevious() is not None and parent is not None:
            del parent[0]
    _report(counted, time.perf_counter() - started, before)


def parse_and_ingest(path: str, profile: bool) -> None:
    """(c): the file through statement_file_import, in a process of its own."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    import django

    django.setup()
    from console.audit.actors import Actor
    from console.sources.services.statement_import import statement_file_import
    from console.sources.services.statement_reading import statement_pieces
    from console.sync.models import LegalEntity, SourceSystem, SyncEvent

    source, entity = SourceSystem.objects.get(code="bankfeed"), LegalEntity.objects.get(code="US01")
    before = _kb("VmRSS")

    def run() -> Any:
        # As `manage.py import_statement` has it: the file open twice, one handle to hash and
        # keep it, one to parse it, neither read whole.
        with open(path, "rb") as content, open(path, "rb") as readable:
            return statement_file_import(
                source=source,
                entity=entity,
                name=Path(path).name,
                fmt="camt053",
                profile="",
                content=content,
                pieces=statement_pieces("camt053", readable),
                user=None,
                actor=Actor.system("bench_statements"),
            )

    started = time.perf_counter()
    if profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        file = profiler.runcall(run)
        seconds = time.perf_counter() - started
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue(), file=sys.stderr)
    else:
        file = run()
        seconds = time.perf_counter() - started
    assert file.new_count == SyncEvent.objects.filter(kind="bank_statement_line").count(), file.new_count
    _report(file.new_count, seconds, before, refused=file.refused_count, statements=file.statement_count)


def _child(*args: str, profile: bool = False) -> dict[str, Any]:
    command = [sys.executable, __file__, *args] + (["--profile"] if profile else [])
    out = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr[-4000:]}")
    if profile:
        print(out.stderr, file=sys.stderr)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _config() -> None:
    from console.sync.models import BusinessProcess, Flow, FlowMode, LegalEntity, SourceKind, SourceSystem

    LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")
    source = SourceSystem.objects.create(code="bankfeed", name="Bank feed", kind=SourceKind.BANK)
    Flow.objects.create(
        source=source,
        event_kind="bank_statement_line",
        name="Bank feed → statement lines",
        business_process=BusinessProcess.TREASURY,
        mode=FlowMode.BATCH,
    )


SELECT_STORED = (
    "SELECT source_id, flow_id, entity_id, kind, external_id, correlation_id, occurred_at, received_at, "
    "payload::text, payload_hash, amount, currency, ingested_by_id, state, state_changed_at, enqueued_at, "
    "attempt_count, reason_code, reason_message, blocked_on, odoo_model, odoo_name, mapping_versions::text "
    "FROM sync_syncevent WHERE kind = 'bank_statement_line' ORDER BY id"
)


def _bare_inserts(connection: Any) -> dict[str, float]:
    """(b): the rows (c) stored, already built, written bare into a copy of the events table."""
    with connection.cursor() as cursor:
        cursor.execute(SELECT_STORED)
        rows = list(cursor.fetchall())
    raw = connection.connection
    rates = {}
    values_sql = "INSERT INTO bench_bare ({}) VALUES {} ON CONFLICT (source_id, kind, external_id) DO NOTHING"
    ways = {
        "one multi-row VALUES per 1000": lambda cursor, chunk: cursor.execute(
            values_sql.format(COLUMNS, ", ".join([ONE_ROW] * len(chunk))), [v for row in chunk for v in row]
        ),
        "executemany pipelined per 1000": lambda cursor, chunk: cursor.executemany(
            values_sql.format(COLUMNS, ONE_ROW), chunk
        ),
    }
    for name, write in ways.items():
        with raw.cursor() as cursor:
            _fresh_table(cursor)
            raw.commit()
            started = time.perf_counter()
            for start in range(0, len(rows), BATCH):
                write(cursor, rows[start : start + BATCH])
                raw.commit()
            rates[name] = len(rows) / (time.perf_counter() - started)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="run (c) under cProfile")
    parser.add_argument("--scan", help=argparse.SUPPRESS)
    parser.add_argument("--ingest", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scan:
        scan(args.scan)
        return
    if args.ingest:
        parse_and_ingest(args.ingest, args.profile)
        return

    setup_django(DATABASE)  # the children inherit its DATABASE_URL
    from django.db import connection

    _config()
    with tempfile.TemporaryDirectory() as folder:
        written = write_camt053(Path(folder) / "bench.xml", args.entries, currency="USD", account=ACCOUNT)
        # The file is larger than the default limit (50 MB): the bench raises it for (c).
        os.environ["STATEMENT_FILE_MAX_BYTES"] = str(written.size + 1)
        scanned = _child("--scan", str(written.path))
        assert scanned["entries"] == written.entries, scanned
        ingested = _child("--ingest", str(written.path), profile=args.profile)
        assert ingested["entries"] == written.entries and ingested["refused"] == 0, ingested
    bare = _bare_inserts(connection)
    best = max(bare.values())

    def rate(run: dict[str, Any]) -> float:
        return float(run["entries"]) / float(run["seconds"])

    mb = 1e6 / 1024  # kB a MB
    c_rate = rate(ingested)
    print(f"machine: {machine()}, nproc {os.cpu_count()}")
    print(
        f"file: {written.entries:,} Ntry in {written.statements} statement, {written.size / 1e6:.0f} MB "
        f"({written.size / written.entries:,.0f} bytes a Ntry), balanced"
    )
    print("| | rate | peak RSS (before) |")
    print("| --- | --- | --- |")
    print(
        f"| (a) bare lxml iterparse scan | {rate(scanned):,.0f} entries/s ({scanned['seconds']:.1f} s) | "
        f"{scanned['peak_kb'] / mb:.0f} MB ({scanned['rss_before_kb'] / mb:.0f}) |"
    )
    for name, value in bare.items():
        print(f"| (b) bare INSERT ... ON CONFLICT, {name} | {value:,.0f} rows/s | - |")
    print(
        f"| (c) statement_file_import | {c_rate:,.0f} entries/s ({ingested['seconds']:.1f} s) | "
        f"{ingested['peak_kb'] / mb:.0f} MB ({ingested['rss_before_kb'] / mb:.0f}) |"
    )
    print(
        f"c / fastest b: {c_rate / best:.0%} (target >= {RATIO_TARGET:.0%}): "
        f"{'met' if c_rate / best >= RATIO_TARGET else 'MISSED'}"
    )
    print(f"c / a: {c_rate / rate(scanned):.0%} (the scan alone is where the parse starts)")
    print(
        f"c peak RSS: {ingested['peak_kb'] / mb:.0f} MB (target < {RSS_TARGET_MB} MB): "
        f"{'met' if ingested['peak_kb'] / mb < RSS_TARGET_MB else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
