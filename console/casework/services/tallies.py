"""Folding the open-case tallies' rows into one per group, for the beat. The triggers only
insert (a +1 and a -1 per change); folding keeps the rows a reader sums to about one per
group. What it writes is the same sums, so nothing is audited: no case changes."""

from __future__ import annotations

from django.db import connection, models, transaction
from django.db.models import Sum

from console.casework.models import OpenCaseTally, OpenCauseTally
from console.casework.tally_triggers import CASE_TALLY, CAUSE_TALLY, Tally


def _fold_pg(tally: Tally) -> str:
    group = ", ".join(tally.group)
    # One statement, so one snapshot: a row a case transition inserts while this runs is
    # neither deleted nor summed, and stays for the next fold.
    return (
        f"WITH gone AS (DELETE FROM {tally.table} RETURNING {group}, cases, amount) "
        f"INSERT INTO {tally.table} ({group}, cases, amount) "
        f"SELECT {group}, sum(cases), sum(amount) FROM gone GROUP BY {group} "
        "HAVING sum(cases) <> 0 OR sum(amount) <> 0"
    )


def _fold(model: type[models.Model], tally: Tally) -> int:
    manager = model._default_manager
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_fold_pg(tally))
        return manager.count()
    # SQLite has one writer at a time: inside this transaction no case changes.
    with transaction.atomic():
        sums = list(manager.values(*tally.group).annotate(n=Sum("cases"), money=Sum("amount")).order_by())
        manager.all().delete()
        kept = [
            model(**{column: row[column] for column in tally.group}, cases=row["n"], amount=row["money"])
            for row in sums
            if row["n"] or row["money"]
        ]
        manager.bulk_create(kept)
    return len(kept)


def open_case_tally_fold() -> int:
    """Fold the case tally's rows into one per group (groups summing to nothing go); the rows left."""
    return _fold(OpenCaseTally, CASE_TALLY)


def open_cause_tally_fold() -> int:
    """The same for the cause tally: one row per cause, entity and currency."""
    return _fold(OpenCauseTally, CAUSE_TALLY)
