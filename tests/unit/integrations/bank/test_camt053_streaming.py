"""A 100,000-entry statement is streamed: every entry comes out, and memory stays flat
while it does (Python's allocations by tracemalloc, libxml2's by the process's RSS,
which tracemalloc does not see).

tracemalloc makes every allocation several times dearer, so it traces the last 60,000
entries only: anything held per entry would grow there as anywhere."""

from __future__ import annotations

import tracemalloc
from decimal import Decimal
from pathlib import Path

from integrations.bank import camt053
from integrations.bank.statement import Entry, StatementEnd, StatementHead
from tests.bench.camt_file import write_camt053

ENTRIES = 100_000
SAMPLE_EVERY = 10_000
TRACE_FROM = 40_000


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


def test_a_100k_entry_file_yields_every_entry_in_flat_memory(tmp_path: Path) -> None:
    written = write_camt053(tmp_path / "big.xml", ENTRIES, batch_every=50, batch_size=2)
    count = 0
    total = Decimal(0)
    heads: list[StatementHead] = []
    ends: list[StatementEnd] = []
    python_at: list[int] = []
    rss_at: list[int] = []

    try:
        with written.path.open("rb") as handle:
            for piece in camt053.read(handle):
                if isinstance(piece, Entry):
                    count += 1
                    total += piece.amount
                    if count == TRACE_FROM:
                        tracemalloc.start()
                    if count % SAMPLE_EVERY == 0:
                        rss_at.append(rss_bytes())
                        if count >= TRACE_FROM:
                            python_at.append(tracemalloc.get_traced_memory()[0])
                elif isinstance(piece, StatementHead):
                    heads.append(piece)
                else:
                    ends.append(piece)
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert written.transactions == ENTRIES + ENTRIES // 50
    assert count == written.transactions
    assert len(heads) == len(ends) == 1
    assert heads[0].opening is not None and heads[0].closing is not None
    assert heads[0].opening.amount + total == heads[0].closing.amount == written.closing
    # Over the traced 60% of a 185 MB file, what Python holds grows by less than a few
    # entries' worth; over the last 90%, libxml2's by a few MB (the tree of a whole file
    # this size takes over 500 MB).
    assert python_at[-1] - python_at[0] < 256 * 1024, python_at
    assert python_peak < 4 * 1024 * 1024, python_peak
    assert rss_at[-1] - rss_at[0] < 16 * 1024 * 1024, rss_at
