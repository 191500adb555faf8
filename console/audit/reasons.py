"""The reason a person gives for a change, as the audit trail keeps it: required, trimmed, and
bounded. One check for every configuration service; each raises its own kind of error."""

from __future__ import annotations

from collections.abc import Callable

REASON_MAX = 2000


def reason_checked(reason: str, doing: str, error: Callable[[str], Exception]) -> str:
    """`reason` trimmed; `error(message)` naming the field when it is empty or too long."""
    reason = (reason or "").strip()
    if not reason:
        raise error(f"reason: {doing} needs a reason")
    if len(reason) > REASON_MAX:
        raise error(f"reason: {len(reason)} characters, at most {REASON_MAX}")
    return reason
