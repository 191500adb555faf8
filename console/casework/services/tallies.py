"""Folding the open-case tally's rows into one per group, for the beat. The triggers only
insert (a +1 and a -1 per change); folding keeps the rows a reader sums to about one per
group. What it writes is the same sums, so nothing is audited: no case changes."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Sum

from console.casework.models import OpenCaseTally
from console.casework.tally_triggers import GROUP, TALLY

_GROUP = ", ".join(GROUP)
# One statement, so one snapshot: a row a case transition inserts while this runs is
# neither deleted nor summed, and stays for the next fold.
FOLD_PG = (
    f"WITH gone AS (DELETE FROM {TALLY} RETURNING {_GROUP}, cases, amount) "
    f"INSERT INTO {TALLY} ({_GROUP}, cases, amount) "
    f"SELECT {_GROUP}, sum(cases), sum(amount) FROM gone GROUP BY {_GROUP} "
    "HAVING sum(cases) <> 0 OR sum(amount) <> 0"
)


def open_case_tally_fold() -> int:
    """Fold the tally's rows into one per group (groups summing to nothing go); the rows left."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(FOLD_PG)
        return OpenCaseTally.objects.count()
    # SQLite has one writer at a time: inside this transaction no case changes.
    with transaction.atomic():
        sums = list(OpenCaseTally.objects.values(*GROUP).annotate(n=Sum("cases"), money=Sum("amount")).order_by())
        OpenCaseTally.objects.all().delete()
        kept = [
            OpenCaseTally(**{field: row[field] for field in GROUP}, cases=row["n"], amount=row["money"])
            for row in sums
            if row["n"] or row["money"]
        ]
        OpenCaseTally.objects.bulk_create(kept)
    return len(kept)
