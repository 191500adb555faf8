"""Where each number of the dashboard leads: the list whose count (or sum) it is.

Every figure links to the list that states the same total; a person whose role may not
open that list sees the number without a link (never a link to a 403). Windows are passed
as the exact bounds the dashboard counted with, so the list selects the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse

from console.access.roles import FINANCE_READERS
from console.access.selectors import user_has_role
from console.sync.selectors.lag import FlowHealth


@dataclass(frozen=True)
class Figures:
    """The links of one person's dashboard: None where the person may not open the lists."""

    since: datetime
    until: datetime
    may_open: bool

    @classmethod
    def of(cls, user: object, since: datetime, until: datetime) -> Figures:
        return cls(since, until, user_has_role(user, *FINANCE_READERS))

    def _link(self, name: str, **query: object) -> str | None:
        if not self.may_open:
            return None
        values = {key: value for key, value in query.items() if value is not None}
        return f"{reverse(name)}?{urlencode(values)}" if values else reverse(name)

    def _window(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}

    def flow(self, health: FlowHealth) -> dict[str, str | None]:
        flow = health.flow_id
        return {
            "unposted": self._link("event-list", flow=flow, state="unposted"),
            "posted": self._link("event-list", flow=flow, state="posted", **self._window()),
            "failed_attempts": self._link("attempt-list", flow=flow, **self._window()),
            "failed_events": self._link("event-list", flow=flow, state="failed"),
            "needs_attention": self._link("event-list", flow=flow, state="blocked"),
            "duplicates": self._link("repeat-list", flow=flow, **self._window()),
            "booked_later": self._link("event-list", flow=flow, state="posted", booked_later=1, **self._window()),
        }

    def aging(self, bucket: str) -> str | None:
        return self._link("case-list", age=bucket)

    def cause(self, key: str) -> str | None:
        return self._link("case-list", cause=key)

    def causes(self) -> str | None:
        return self._link("cause-list")

    def posted_on(self) -> str | None:
        """The posted events of a day: the trend chart appends the day."""
        return self._link("event-list", state="posted", day="")

    def opened_on(self) -> str | None:
        """The cases opened on a day, closed ones too: the trend chart appends the day."""
        return self._link("case-list", state="all", opened="")
