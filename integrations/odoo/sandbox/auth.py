"""Credentials and the login cooldown of res.users (_assert_can_auth).

Odoo counts failed logins per client address; after ``max_failures`` of them
every attempt within ``window`` seconds of the last failure is refused
without even checking the password (authenticate answers False, execute_kw
Access Denied). A success clears the counter. Successful (uid, password)
checks are cached like Odoo's ormcache, so a client that already
authenticated keeps working during someone else's cooldown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .database import Database
from .faults import AccessDenied

COOLDOWN_MESSAGE = "Too many login failures, please wait a bit before trying again."


class LoginGuard:
    def __init__(
        self, max_failures: int = 5, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def on_cooldown(self, source: str) -> bool:
        if self.max_failures <= 0:
            return False
        with self._lock:
            count, last = self._failures.get(source, (0, 0.0))
        return count >= self.max_failures and self._clock() - last < self.window

    def failed(self, source: str) -> None:
        with self._lock:
            count, _ = self._failures.get(source, (0, 0.0))
            self._failures[source] = (count + 1, self._clock())

    def succeeded(self, source: str) -> None:
        with self._lock:
            self._failures.pop(source, None)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()


class Auth:
    def __init__(self, db: Database, password: str, api_keys: tuple[str, ...], guard: LoginGuard) -> None:
        self.db = db
        self.password = password
        self.api_keys = tuple(api_keys)
        self.guard = guard
        self._checked: set[tuple[int, str]] = set()

    def _valid(self, password: str) -> bool:
        return bool(password) and (password == self.password or password in self.api_keys)

    def login(self, login: str, password: str, source: str) -> int | bool:
        """res.users._login through common.authenticate: uid, or False on any refusal."""
        if self.guard.on_cooldown(source):
            return False
        for user in self.db.store.table("res.users").values():
            if user.get("active") and user.get("login") == login and self._valid(password):
                self.guard.succeeded(source)
                return int(user["id"])
        self.guard.failed(source)
        return False

    def check(self, uid: int, password: str, source: str) -> None:
        """res.users._check_uid_passwd for every object call."""
        if not password:
            raise AccessDenied()
        if (uid, password) in self._checked:
            return
        if self.guard.on_cooldown(source):
            raise AccessDenied(COOLDOWN_MESSAGE)
        user = self.db.store.get("res.users", uid)
        if user is None or not user.get("active") or not self._valid(password):
            self.guard.failed(source)
            raise AccessDenied()
        self.guard.succeeded(source)
        self._checked.add((uid, password))

    def bearer_uid(self, key: str) -> int | None:
        """res.users.apikeys._check_credentials(scope='rpc'): the key's user, the integration user
        here. Odoo checks API keys without the login cooldown, which guards passwords."""
        if not key or key not in self.api_keys:
            return None
        for user in self.db.store.table("res.users").values():
            if user.get("active") and user.get("login") == self.db.login:
                return int(user["id"])
        return None

    def reset(self) -> None:
        self._checked.clear()
        self.guard.clear()
