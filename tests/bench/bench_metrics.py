"""The cost of one /metrics scrape on PostgreSQL with 100,000 events (`--events N` for
another size): its database queries and its server time p50/p95 over 30 scrapes, in one run.

The rows are bench_casework's (the same COPY of events, attempts, repeated deliveries and
cases, at the size asked), so the figures here and the workbench's describe one database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import bench_casework as rows
from tests.bench.common import machine, setup_django

DATABASE = "finops_bench_metrics"
SCRAPES = 30


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    events = parser.parse_args().events
    share = events / rows.EVENTS
    rows.EVENTS = events
    rows.OPEN_CASES = max(1, int(rows.OPEN_CASES * share))
    rows.RESOLVED_CASES = max(1, int(rows.RESOLVED_CASES * share))
    rows.DISMISSED_CASES = max(1, int(rows.DISMISSED_CASES * share))
    rows.DUPLICATES = max(1, int(rows.DUPLICATES * share))
    # The same traffic a day as the workbench's million over 60 days: the last hours as busy.
    rows.DAYS = max(1, round(rows.DAYS * share))

    setup_django(DATABASE)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from console.operations.metrics import metrics_text

    ids, kinds, users = rows.configure()
    counts = rows.build(connection, ids, kinds, users, time.time())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"machine: {machine()}")
    print(f"{counts['events']:,} events, {counts['attempts']:,} posting attempts, {counts['cases']:,} cases")

    metrics_text()  # the first scrape warms the connection and the plans
    with CaptureQueriesContext(connection) as queries:
        metrics_text()
    query_count = len(queries.captured_queries)  # read now: reset_queries() below clears the log
    timings = []
    for _ in range(SCRAPES):
        reset_queries()
        started = time.perf_counter()
        metrics_text()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"/metrics scrape: {query_count} queries, "
        f"p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms over {SCRAPES} scrapes"
    )


if __name__ == "__main__":
    main()
