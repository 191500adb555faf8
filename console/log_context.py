"""What a log line says about the unit of work it belongs to: the correlation id of the
request (or task) and the ids of the events it touched.

Context variables, so every line written while a request or a task runs carries them, from
whichever module writes it, and threads of one process never mix them up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from contextvars import ContextVar, Token

# A caller's own id is kept when it is plainly an id (a proxy's request id, a source's trace);
# anything else (too long, spaces, markup) is replaced, never logged as sent.
_CALLER_ID = re.compile(r"^[A-Za-z0-9._:@/-]{1,100}$")
# A line names at most this many events; a batch of 1000 says how many it left out.
MAX_EVENT_IDS = 50

_correlation: ContextVar[str] = ContextVar("correlation_id", default="")
_events: ContextVar[list[int] | None] = ContextVar("event_ids", default=None)


def correlation_id_from(header: str | None) -> str:
    """The caller's id when it is a plain id, else a new one."""
    if header and _CALLER_ID.match(header):
        return header
    return uuid.uuid4().hex


def work_start(correlation_id: str) -> tuple[Token[str], Token[list[int] | None]]:
    return _correlation.set(correlation_id), _events.set([])


def work_end(tokens: tuple[Token[str], Token[list[int] | None]]) -> None:
    _correlation.reset(tokens[0])
    _events.reset(tokens[1])


def correlation_id() -> str:
    return _correlation.get()


def events_touched(ids: Iterable[int | None]) -> None:
    """Note events this request or task read or changed (outside one: nothing to note)."""
    seen = _events.get()
    if seen is None:
        return
    seen.extend(int(i) for i in ids if i is not None)


def event_ids() -> list[int]:
    return list(dict.fromkeys(_events.get() or []))
