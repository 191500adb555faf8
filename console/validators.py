"""Validators forms and API serializers share, for values that would break later arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import ValidationError

from integrations.canonical import FIRST_YEAR, LAST_YEAR


def time_within_years(value: datetime | None) -> None:
    """A time within years FIRST_YEAR to LAST_YEAR in UTC, as ingestion accepts: the services
    add and subtract days and hours, which leave Python's range next to year 1 or 9999."""
    if value is None:
        return
    try:
        year = value.astimezone(UTC).year if value.tzinfo is not None else value.year
    except OverflowError:  # 0001-01-01 00:00 in a zone east of UTC is in year 0 in UTC
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"must be between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31 (UTC)", code="out_of_range")
