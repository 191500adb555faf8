"""How fast camt053.read parses, and the memory it takes: a measurement, not a test.

    .venv/bin/python tests/bench/bench_camt_parse.py [--entries 100000] [--batch-every 0]

Writes a file with tests/bench/camt_file.py, then parses it three times in a fresh
process each (so the peak RSS is the parse's, not the writer's) and prints the best
rate, in Entry pieces per second, and each run's peak RSS (ru_maxrss) beside the RSS
the same process had before it parsed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.camt_file import write_camt053  # noqa: E402
from tests.bench.common import machine  # noqa: E402


def _rss_kb() -> int:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))


def parse_once(path: str) -> None:
    from integrations.bank import camt053
    from integrations.bank.statement import Entry

    before = _rss_kb()
    started = time.perf_counter()
    with open(path, "rb") as handle:
        entries = sum(1 for piece in camt053.read(handle) if isinstance(piece, Entry))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"entries": entries, "seconds": seconds, "rss_before_kb": before, "peak_kb": peak}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--batch-every", type=int, default=0)
    parser.add_argument("--version", type=int, default=2)
    parser.add_argument("--parse", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse:
        parse_once(args.parse)
        return
    with tempfile.TemporaryDirectory() as folder:
        written = write_camt053(
            Path(folder) / "bench.xml", args.entries, batch_every=args.batch_every, version=args.version
        )
        print(f"{machine()}")
        print(
            f"file: {written.entries} Ntry, {written.transactions} transactions, camt.053.001.{args.version:02d}, "
            f"{written.size / 1e6:.1f} MB ({written.size / written.entries:.0f} bytes a Ntry)"
        )
        runs = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, __file__, "--parse", str(written.path)],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            run = json.loads(out.stdout)
            assert run["entries"] == written.transactions, run
            runs.append(run)
            print(
                f"  {run['entries'] / run['seconds']:,.0f} entries/s ({run['seconds']:.2f} s, "
                f"{written.size / run['seconds'] / 1e6:.0f} MB/s); RSS before {run['rss_before_kb'] / 1024:.0f} MiB, "
                f"peak {run['peak_kb'] / 1024:.0f} MiB"
            )
        best = min(runs, key=lambda run: run["seconds"])
        print(f"best: {best['entries'] / best['seconds']:,.0f} entries/s")


if __name__ == "__main__":
    main()
