"""console.sqlite: writers of every process and thread queue for the database in turn, and the
next one starts the moment the last one commits (SQLite's busy handler polls in up to 100 ms steps)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

from console.database_url import sqlite_database

# SQLite's busy handler tries again after 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 ms, then every
# 100 ms: a writer that waited for one holding the database 0.45 s tries at 428 and 528 ms,
# and starts ~80 ms after the commit. A writer queued on the lock file starts within a few ms.
HOLD_SECONDS = 0.45
ROUNDS = 6
LATE_SECONDS = 0.05


def wrapper(path: Path) -> Any:
    """A connection of the console's SQLite settings to the database file `path`."""
    handler = ConnectionHandler({"default": sqlite_database(str(path))})
    return handler["default"]


@contextmanager
def transaction(db: Any) -> Iterator[Any]:
    """What transaction.atomic does on a connection outside django.db.connections."""
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    db.in_atomic_block = True
    try:
        with db.cursor() as cursor:
            yield cursor
    except BaseException:
        db.in_atomic_block = False
        db.rollback()
        raise
    else:
        db.in_atomic_block = False
        db.commit()
    finally:
        db.set_autocommit(True)


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: Any) -> Iterator[None]:
    """These tests open database files of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "db.sqlite3"
    db = wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    db.close()
    return path


def late_by(path: Path, second_writer: Any) -> float:
    """Seconds between the first writer's commit and the second writer's start: never
    below 0 (the second waited), and at most the time it took to notice."""
    holding = threading.Event()
    times: dict[str, float] = {}

    def hold() -> None:
        first = wrapper(path)  # a connection belongs to the thread that made it
        with transaction(first) as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('first')")
            holding.set()
            time.sleep(HOLD_SECONDS)
            times["committing"] = time.monotonic()
        first.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=10)
    times["started"] = second_writer()
    holder.join()
    assert times["started"] >= times["committing"]
    return times["started"] - times["committing"]


def test_the_next_writer_starts_as_soon_as_the_first_commits(database: Path) -> None:
    def second() -> float:
        db = wrapper(database)
        with transaction(db) as cursor:
            started = time.monotonic()
            cursor.execute("INSERT INTO t (v) VALUES ('second')")
        db.close()
        return started

    lateness = [late_by(database, second) for _ in range(ROUNDS)]
    assert max(lateness) < LATE_SECONDS, lateness


def test_a_write_outside_a_transaction_waits_its_turn_too(database: Path) -> None:
    def second() -> float:
        db = wrapper(database)
        with db.cursor() as cursor:
            cursor.execute("UPDATE t SET v = 'autocommit'")
            done = time.monotonic()
        db.close()
        return done

    lateness = [late_by(database, second) for _ in range(ROUNDS)]
    assert max(lateness) < LATE_SECONDS, lateness


HOLDER = """
import sys, time
sys.path.insert(0, {root!r})
from tests.unit.console.sqlite.test_base import transaction, wrapper
from pathlib import Path
db = wrapper(Path({path!r}))
with transaction(db) as cursor:
    cursor.execute("INSERT INTO t (v) VALUES ('killed')")
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_writer_killed_in_its_transaction_leaves_the_database_to_the_next(database: Path) -> None:
    root = str(Path(__file__).resolve().parents[4])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(root=root, path=str(database))],
        stdout=subprocess.PIPE,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "console.settings",
            "FINOPS_ENV": "test",
            "FINOPS_VAR_DIR": str(database.parent),
        },
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    db = wrapper(database)
    started = time.monotonic()
    with transaction(db) as cursor:
        cursor.execute("INSERT INTO t (v) VALUES ('next')")
        cursor.execute("SELECT v FROM t ORDER BY id")
        rows = [v for (v,) in cursor.fetchall()]
    db.close()
    assert time.monotonic() - started < 1.0
    assert rows == ["next"]  # the killed writer's row rolled back with it
