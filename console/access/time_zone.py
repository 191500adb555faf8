"""Each signed-in person's pages in their own time zone: every time a template writes is turned
into that zone (Django's current time zone) and named; storage and exports stay in UTC."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

UTC_NAME = "UTC"


@cache
def zone_names() -> tuple[str, ...]:
    """The IANA zones a person may choose, UTC first, the rest sorted: the tz database's names,
    without the legacy aliases (`US/Eastern`, `Etc/GMT+5`, whose signs read backwards)."""
    names = {n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/", "US/"))}
    return (UTC_NAME, *sorted(names))


@cache
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # A zone removed from the tz database since it was chosen: UTC, named as such on the page.
        return ZoneInfo(UTC_NAME)


class TimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone(getattr(user, "time_zone", UTC_NAME) or UTC_NAME))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
