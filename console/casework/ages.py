"""How old a case is, as the list shows it: its largest unit and the next ("3 days, 4 hours").

Django's timesince filter writes the same under a month (it counts calendar months past that),
but looks up a translation per unit: a page of 50 rows called it 100 times."""

from __future__ import annotations

from datetime import datetime

UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)


def _count(n: int, unit: str) -> str:
    return f"{n}\xa0{unit}{'' if n == 1 else 's'}"


def age_text(opened_at: datetime, now: datetime) -> str:
    seconds = max(int((now - opened_at).total_seconds()), 0)
    for n, (unit, size) in enumerate(UNITS):
        if seconds >= size:
            whole, rest = divmod(seconds, size)
            text = _count(whole, unit)
            if n + 1 < len(UNITS) and rest >= UNITS[n + 1][1]:
                text += ", " + _count(rest // UNITS[n + 1][1], UNITS[n + 1][0])
            return text
    return _count(0, "minute")
