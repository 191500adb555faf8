"""Django's PostgreSQL backend, with a cheaper health check for persistent connections and a
cursor for hot statements.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request
that reuses a connection: a round trip (0.5-1 ms here) on every page. A connection the
server has closed (a restart, pg_terminate_backend, an idle timeout) has the server's
farewell or EOF waiting on its socket. So when the connection made a cursor a moment ago
and its socket has nothing to read, it is as the server left it and `SELECT 1` is skipped.
Otherwise (idle for longer, where a firewall may have dropped it silently, or anything
waiting on the socket) Django's own check runs.
"""

from __future__ import annotations

import select
import time
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base, operations
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.backends.utils import CursorWrapper
from psycopg.pq import Format

# psycopg's own default: a statement run once or twice is not worth a prepared statement.
PREPARE_AFTER = 5

# Django's psycopg cursor binding on the server (its stubs do not declare the class's arguments).
_BOUND: Any = base.ServerBindingCursor

# A firewall or NAT that drops idle connections does so after minutes, not seconds.
TRUSTED_FOR_SECONDS = 5.0


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str:
        # Django reads a client-side binding cursor's own text; a bound cursor holds none to read.
        if isinstance(cursor, _BOUND):
            try:
                return str(self.compose_sql(sql, params))
            except psycopg.errors.DataError:
                return sql
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    cursor_made_at: float | None = None
    _bind_next = False

    def bound_cursor(self) -> CursorWrapper:
        """A cursor binding its parameters on the server, for a statement run at every request:
        its text stays the same, so PostgreSQL keeps it prepared."""
        self._bind_next = True
        try:
            return self.cursor()
        finally:
            self._bind_next = False

    def create_cursor(self, name: Any = None) -> Any:
        self.cursor_made_at = time.monotonic()
        if not self._bind_next or name:
            return super().create_cursor(name)
        cursor = _BOUND(self.connection)
        # As Django's create_cursor: timestamps read in the connection's zone.
        if self.timezone != self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT).timezone:
            register_tzloader(self.timezone, cursor)
        return cursor

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        # Django leaves prepare_threshold unset (None: never prepare) unless OPTIONS name it.
        if "prepare_threshold" not in self.settings_dict["OPTIONS"] and settings.DATABASE_PREPARED_STATEMENTS:
            connection.prepare_threshold = PREPARE_AFTER
        return connection

    def close_if_health_check_failed(self) -> None:
        # (getattr: Django's stubs do not declare these two attributes)
        due = getattr(self, "health_check_enabled", False) and not getattr(self, "health_check_done", True)
        if due and self._in_steady_use():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def connect(self) -> None:
        self.cursor_made_at = None
        super().connect()

    def _in_steady_use(self) -> bool:
        if self.connection is None or self.cursor_made_at is None or self.pool:
            return False
        if time.monotonic() - self.cursor_made_at > TRUSTED_FOR_SECONDS:
            return False
        try:
            waiting = select.poll()
            waiting.register(self.connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
            return not waiting.poll(0)
        except (OSError, ValueError, psycopg.Error):  # closed already: let Django's check decide
            return False
