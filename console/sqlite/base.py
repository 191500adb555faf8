"""Django's SQLite backend, with writers from every process queued in turn.

SQLite lets one writer in at a time. A writer that finds the database locked
sleeps and tries again, 1, 2, 5, 10 ... up to 100 ms between tries (SQLite's
busy handler), so a writer that has waited a while keeps sleeping in 100 ms
steps while newcomers slip in: under the demo's load some transactions waited
seconds, and the web process, the posting workers and the beat all write.
Here a writer first takes an exclusive lock on a file beside the database
(flock), which the kernel hands to the next waiter the moment it is released;
only then does it begin its IMMEDIATE transaction, so SQLite's busy handler
is never entered between console processes. The lock is held until the
transaction commits or rolls back; a write outside a transaction holds it for
that statement. A killed process's lock goes with its file descriptor.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from typing import Any

from django.db.backends.sqlite3 import base

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteLock:
    """One lock file descriptor per connection: flock locks belong to the open file,
    so two connections of one process (threads) queue for it like two processes."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.held = False

    def acquire(self) -> None:
        if not self.held:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.release()
        os.close(self.fd)


class CursorWrapper(base.SQLiteCursorWrapper):
    write_lock: WriteLock | None = None
    wrapper: DatabaseWrapper | None = None

    def _alone(self, query: str) -> bool:
        """A write outside a transaction, which SQLite runs as one of its own."""
        return (
            self.write_lock is not None
            and self.wrapper is not None
            and not self.wrapper.in_atomic_block
            and query.lstrip()[:7].upper().startswith(WRITES)
        )

    def _in_turn(self, run: Callable[[str, Any], Any], query: str, params: Any) -> Any:
        if not self._alone(query):
            return run(query, params)
        assert self.write_lock is not None
        self.write_lock.acquire()
        try:
            return run(query, params)
        finally:
            self.write_lock.release()

    def execute(self, query: str, params: Any = None) -> Any:
        return self._in_turn(super().execute, query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        return self._in_turn(super().executemany, query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    write_lock: WriteLock | None = None

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        if self.write_lock is not None:
            self.write_lock.close()
            self.write_lock = None
        if not self.is_in_memory_db():
            self.write_lock = WriteLock(f"{self.settings_dict['NAME']}.writelock")
        return connection

    def create_cursor(self, name: Any = None) -> Any:
        cursor = self.connection.cursor(factory=CursorWrapper)
        cursor.write_lock = self.write_lock
        cursor.wrapper = self
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        if self.write_lock is None:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        self.write_lock.acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self.write_lock.release()
            raise

    def _release(self) -> None:
        if self.write_lock is not None:
            self.write_lock.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release()

    def _close(self) -> None:
        lock, self.write_lock = self.write_lock, None
        try:
            super()._close()  # type: ignore[misc]
        finally:
            if lock is not None:
                lock.close()
