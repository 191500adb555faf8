from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """When the beat last sent its heartbeat task, and when a worker last ran one.

    One row per name, overwritten: readiness and the metrics read how old each is, so that a
    beat or every worker gone is seen within a minute or two, on any machine."""

    name = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField()
    # The worker's host and process name (never shown by the health answer; the metrics do not
    # show it either: it is for a person reading the row).
    by = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
