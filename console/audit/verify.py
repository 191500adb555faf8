"""Walking the audit chain: every row's hash recomputed from its content and
its predecessor's hash. The first row that does not verify is named.

A chain that verifies on its own may still have lost its end: whoever can drop the
triggers can delete the last rows and rewind the head. So the check also holds the chain
against what earlier checks recorded (digests.py): every digest's row must still be there,
with the same hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from console.audit.chain import GENESIS_HASH, HASHED_FIELDS, STORED_FIELDS, row_text
from console.audit.digests import Anchor, DigestError, digest_anchors
from console.audit.models import AuditChainHead, AuditEvent, AuditVerification


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    rows_checked: int
    first_bad_sequence: int | None
    message: str
    last_sequence: int
    last_hash: str


# One row as the walk sees it: sequence, prev_hash, hash, and the row's
# canonical text rebuilt from its columns.
Row = tuple[int, str, str, str]

# The same text chain.row_text builds, built by PostgreSQL while it streams the
# rows (on its own core), so the walk in Python only hashes. to_json() escapes
# strings exactly as Python's json does with ensure_ascii=False.
_PG_ROWS = """
COPY (
    SELECT sequence, prev_hash, hash,
        '{"action":' || to_json(action)::text
        || ',"actor_label":' || to_json(actor_label)::text
        || ',"actor_type":' || to_json(actor_type)::text
        || ',"actor_user_id":' || COALESCE(actor_user_id::text, 'null')
        || ',"after":' || COALESCE(after, 'null')
        || ',"before":' || COALESCE(before, 'null')
        || ',"correlation_id":' || to_json(correlation_id)::text
        || ',"entity_code":' || to_json(entity_code)::text
        || ',"object_id":' || to_json(object_id)::text
        || ',"object_type":' || to_json(object_type)::text
        || ',"occurred_at":"' || to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN date_trunc('second', occurred_at) = occurred_at THEN ''
                ELSE to_char(occurred_at AT TIME ZONE 'UTC', '.US') END || '+00:00"'
        || ',"reason":' || to_json(reason)::text
        || ',"request_ip":' || COALESCE(to_json(host(request_ip))::text, 'null')
        || ',"sequence":' || sequence::text || '}'
    FROM audit_auditevent
    WHERE sequence >= %s AND sequence <= %s
    ORDER BY sequence
) TO STDOUT
"""


def _rows_postgres(first: int, last: int) -> Iterator[Row]:
    connection.ensure_connection()
    raw: Any = connection.connection
    with raw.cursor() as cursor, cursor.copy(_PG_ROWS, (first, last)) as copy:
        copy.set_types(["int8", "text", "text", "text"])
        yield from copy.rows()


def _rows_python(first: int, last: int, chunk_size: int = 20_000) -> Iterator[Row]:
    """Any database: the text rebuilt in Python from the same columns."""
    rows = (
        AuditEvent.objects.filter(sequence__gte=first, sequence__lte=last)
        .order_by("sequence")
        .values_list(*STORED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        yield row[0], row[-2], row[-1], row_text(**dict(zip(HASHED_FIELDS, row, strict=False)))


class _Walk:
    def __init__(self) -> None:
        self.expected_prev = GENESIS_HASH
        self.expected_seq = 1
        self.checked = 0
        self.failure: ChainCheck | None = None

    def run(self, rows: Iterator[Row]) -> None:
        sha256 = hashlib.sha256
        for seq, prev, digest, text in rows:
            problem = None
            if seq != self.expected_seq:
                problem = f"row #{self.expected_seq} is missing (next is #{seq})"
                seq = self.expected_seq
            elif prev != self.expected_prev:
                problem = f"row #{seq} does not follow row #{seq - 1} (prev_hash differs)"
            elif sha256((prev + text).encode("utf-8")).hexdigest() != digest:
                problem = f"row #{seq} was changed after it was written (hash differs)"
            if problem is not None:
                self.failure = ChainCheck(False, self.checked, seq, problem, seq, prev)
                return
            self.expected_prev = digest
            self.expected_seq = seq + 1
            self.checked += 1


def _anchors() -> list[Anchor]:
    """What earlier checks recorded: every digest outside the database, and the furthest check
    that passed inside it (results are insert-only, see immutability.py)."""
    anchors = digest_anchors()
    passed = AuditVerification.objects.filter(ok=True, last_sequence__gt=0).order_by("-last_sequence").first()
    if passed is not None:
        anchors.append(
            Anchor(passed.last_sequence, passed.last_hash, f"the check of {passed.finished_at:%Y-%m-%d %H:%M} UTC")
        )
    return anchors


def _against_anchors(check: ChainCheck, anchors: list[Anchor]) -> ChainCheck:
    """A chain that verifies on its own must still hold every row an earlier check recorded."""
    beyond = [a for a in anchors if a.sequence > check.last_sequence]
    if beyond:
        furthest = max(beyond, key=lambda a: a.sequence)
        return ChainCheck(
            False,
            check.rows_checked,
            check.last_sequence + 1,
            f"the chain ends at #{check.last_sequence} but {furthest.source} recorded #{furthest.sequence}: "
            "rows were cut from the end",
            check.last_sequence,
            check.last_hash,
        )
    wanted = {a.sequence for a in anchors if a.sequence > 0}
    stored = dict(AuditEvent.objects.filter(sequence__in=wanted).values_list("sequence", "hash"))
    for anchor in sorted(anchors, key=lambda a: a.sequence):
        if anchor.sequence > 0 and stored.get(anchor.sequence) != anchor.last_hash:
            return ChainCheck(
                False,
                check.rows_checked,
                anchor.sequence,
                f"row #{anchor.sequence} is not the row {anchor.source} recorded (hash differs): "
                "the chain was rewritten from there",
                check.last_sequence,
                check.last_hash,
            )
    return check


def audit_chain_check(anchors: list[Anchor] | None = None) -> ChainCheck:
    """Recompute the chain up to its head as committed when the check starts, then hold it
    against the anchors (by default the digests and the furthest check that passed).

    Read-only; see audit_chain_verify to record the result. Rows appended while
    it runs are left to the next check.
    """
    if anchors is None:
        try:
            anchors = _anchors()
        except DigestError as err:
            return ChainCheck(False, 0, None, str(err), 0, GENESIS_HASH)
    head = AuditChainHead.objects.filter(id=1).first()
    last = head.last_sequence if head is not None else AuditEvent.objects.aggregate(m=Max("sequence"))["m"] or 0
    walk = _Walk()
    walk.run(_rows_postgres(1, last) if connection.vendor == "postgresql" else _rows_python(1, last))
    if walk.failure is not None:
        return walk.failure
    end = walk.expected_seq - 1
    if end != last:
        return ChainCheck(
            False,
            walk.checked,
            walk.expected_seq,
            f"the chain ends at #{end} but its head says #{last}: rows were removed",
            end,
            walk.expected_prev,
        )
    verified = ChainCheck(True, walk.checked, None, f"{walk.checked} rows verify", end, walk.expected_prev)
    return _against_anchors(verified, anchors)


def audit_chain_verify(*, triggered_by: str) -> AuditVerification:
    started = timezone.now()
    check = audit_chain_check()
    with transaction.atomic():
        return AuditVerification.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            ok=check.ok,
            rows_checked=check.rows_checked,
            first_bad_sequence=check.first_bad_sequence,
            message=check.message,
            last_sequence=check.last_sequence,
            last_hash=check.last_hash,
            triggered_by=triggered_by,
        )
