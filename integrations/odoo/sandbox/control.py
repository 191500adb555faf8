"""Test switches: latency, outages, injected failures, lock dates, reset, counts.

The same methods are served over XML-RPC at /sandbox/control. Every method
returns True or a plain dict/int so it marshals without allow_none.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .auth import Auth
from .database import Database
from .models_base import LOCK_DATE_LABELS
from .orm import Env, to_date


@dataclass
class Switches:
    call_ms: float = 0.0
    record_ms: float = 0.0
    outage_until: float = 0.0
    serialization_failures: int = 0
    hangs: int = 0
    hang_seconds: float = 0.0
    object_calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def outage_active(self) -> bool:
        return time.monotonic() < self.outage_until

    def count_call(self) -> None:
        with self._lock:
            self.object_calls += 1

    def take_serialization_failure(self) -> bool:
        with self._lock:
            if self.serialization_failures <= 0:
                return False
            self.serialization_failures -= 1
            return True

    def take_hang(self) -> float:
        with self._lock:
            if self.hangs <= 0:
                return 0.0
            self.hangs -= 1
            return self.hang_seconds

    def delay(self, records: int) -> float:
        return (self.call_ms + self.record_ms * records) / 1000.0


class Control:
    """Switches callable in-process (srv.control) and over /sandbox/control."""

    METHODS = frozenset(
        {
            "set_latency",
            "outage",
            "outage_off",
            "fail_serialization",
            "hang_after_commit",
            "set_lock_date",
            "set_today",
            "set_edition",
            "set_full_accounting",
            "set_login_cooldown",
            "reset",
            "stats",
            "count",
        }
    )

    def __init__(self, db: Database, auth: Auth, switches: Switches) -> None:
        self.db = db
        self.auth = auth
        self.switches = switches
        self._initial = (
            switches.call_ms,
            switches.record_ms,
            auth.guard.max_failures,
            auth.guard.window,
            db.edition,
            db.full_accounting,
        )

    def set_latency(self, call_ms: float, record_ms: float = 0) -> bool:
        """Every object call sleeps call_ms plus record_ms per record it creates or posts."""
        self.switches.call_ms, self.switches.record_ms = float(call_ms), float(record_ms)
        return True

    def outage(self, seconds: float) -> bool:
        """Answer every /xmlrpc/, /json/2/ and /web/version request with HTTP 503 for this long."""
        self.switches.outage_until = time.monotonic() + float(seconds)
        return True

    def outage_off(self) -> bool:
        self.switches.outage_until = 0.0
        return True

    def fail_serialization(self, n: int = 1) -> bool:
        """The next n writing calls fail the way Odoo reports an unresolved serialization failure."""
        self.switches.serialization_failures = int(n)
        return True

    def hang_after_commit(self, n: int, seconds: float) -> bool:
        """The next n create calls commit, then wait before answering."""
        self.switches.hangs, self.switches.hang_seconds = int(n), float(seconds)
        return True

    def set_lock_date(self, company_id: int, day: Any, field: str = "fiscalyear_lock_date") -> bool:
        """Set a company lock date (fiscalyear_lock_date unless told otherwise); False clears it."""
        if field not in LOCK_DATE_LABELS:
            raise ValueError(f"field must be one of {sorted(LOCK_DATE_LABELS)}")
        with self.db.lock:
            if not self.db.store.exists("res.company", company_id):
                raise ValueError(f"no res.company with id {company_id}")
            self.db.store.update("res.company", company_id, {field: to_date(day)})
        return True

    def set_today(self, day: Any = False) -> bool:
        """Freeze the server's today (False: the real date)."""
        value = to_date(day)
        self.db.today_override = dt.date.fromisoformat(value) if isinstance(value, str) else None
        return True

    def set_edition(self, edition: str) -> bool:
        """'enterprise' adds unique_import_id on bank statement lines; 'community' has none."""
        with self.db.lock:
            self.db.set_edition(edition)
        return True

    def set_full_accounting(self, on: bool) -> bool:
        """Give the integration user "Show Full Accounting Features" (account.group_account_user),
        or take it away as a fresh Community admin lacks it: bank statement lines need it."""
        with self.db.lock:
            self.db.set_full_accounting(bool(on))
        return True

    def set_login_cooldown(self, max_failures: int, seconds: float) -> bool:
        self.auth.guard.max_failures, self.auth.guard.window = int(max_failures), float(seconds)
        return True

    def reset(self) -> bool:
        """Back to a fresh database and default switches."""
        call_ms, record_ms, max_failures, window, edition, full_accounting = self._initial
        with self.db.lock:
            self.db.full_accounting = full_accounting
            self.db.reset()
            self.db.set_edition(edition)
            self.db.today_override = None
        self.auth.reset()
        self.auth.guard.max_failures, self.auth.guard.window = max_failures, window
        self.switches.call_ms, self.switches.record_ms = call_ms, record_ms
        self.switches.outage_until = 0.0
        self.switches.serialization_failures = self.switches.hangs = 0
        self.switches.object_calls = 0
        return True

    def stats(self) -> dict[str, Any]:
        with self.db.lock:
            records = {model: len(self.db.store.table(model)) for model in self.db.store.models()}
        return {"records": records, "object_calls": self.switches.object_calls}

    def count(self, model: str, domain: Any = None) -> int:
        with self.db.lock:
            env = Env(self.db, 2)
            return len(env[model].search_ids(domain or []))
