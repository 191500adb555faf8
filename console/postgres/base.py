"""Django's PostgreSQL backend, with a cheaper health check for persistent connections.

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
from django.db.backends.postgresql import base

# A firewall or NAT that drops idle connections does so after minutes, not seconds.
TRUSTED_FOR_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    cursor_made_at: float | None = None

    def create_cursor(self, name: Any = None) -> Any:
        self.cursor_made_at = time.monotonic()
        return super().create_cursor(name)

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
