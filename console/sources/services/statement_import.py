"""Bringing a bank statement file in: a preview that stores nothing, then the import.

Both walk the file's pieces the same way (`_Walk`): each entry is checked alone (its currency,
then the canonical reader: the preview's own check, the ingestion's in an import), keyed
(integrations.bank.keys) and looked up in batches, so a 100,000-entry file streams through in
bounded memory and one bad entry is refused by itself, named by where it is in the file, while
the others go on. The file itself may come as bytes or as an open file: it is hashed and kept
a chunk at a time, never copied whole. The import records the new entries
through the one ingestion service, as lines of a correlation per statement, and judges each
statement (statement_controls) before the transaction ends: a statement that fails a control
holds its lines, so none of them reaches Odoo before a person or the missing file lets it.
"""

from __future__ import annotations

import hashlib
import io
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.models import ServiceAccount
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.access.services import file_account_ensure
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sources.file_models import BankStatement, StatementFile
from console.sources.services.prefetch import prefetched
from console.sources.services.statement_controls import statement_judge, statement_name
from console.sync.models import EventKind, LegalEntity, SourceSystem, SyncEvent
from console.sync.services.ingest import IngestError, events_ingest
from integrations.bank.accounts import compact, counterparty_account, iban_problem, looks_like_iban
from integrations.bank.keys import StatementKeys
from integrations.bank.statement import Balance, Entry, FileRefused, Piece, StatementEnd, StatementHead
from integrations.canonical import MAX_DETAILS, MAX_NAME, MAX_RAW, MAX_TEXT, PayloadError, parse_document

BATCH = 1000
REFUSALS_KEPT = 1000
KIND = EventKind.BANK_STATEMENT_LINE
CHUNK = 1 << 20  # bytes of the file hashed or stored at a time

# The file as the caller has it: its bytes, or an open binary file (read from where it stands).
Content = bytes | BinaryIO


class ImportRefused(ValueError):
    """The file as a whole cannot be imported; the message says why (and where)."""


@dataclass
class StatementFigures:
    position: int
    head: StatementHead
    entries: int = 0
    total: Decimal = Decimal("0")
    credits: Decimal = Decimal("0")
    debits: Decimal = Decimal("0")
    new: int = 0
    known: int = 0
    refused: int = 0
    not_booked: int = 0  # entries the bank lists but has not booked (pending, information): never imported
    first_booking: Any = None
    last_booking: Any = None
    closing: Balance | None = None  # the end's, else the head's
    problems: list[str] = field(default_factory=list)

    @property
    def difference(self) -> Decimal | None:
        """closing - (opening + entries); None when the statement gives no balances."""
        opening = self.head.opening
        if opening is None or self.closing is None:
            return None
        return self.closing.amount - (opening.amount + self.total)


@dataclass
class FileFigures:
    sha256: str
    size: int
    statements: list[StatementFigures] = field(default_factory=list)
    refusals: list[dict[str, str]] = field(default_factory=list)
    repeat_of: StatementFile | None = None

    def _sum(self, name: str) -> int:
        return sum(int(getattr(s, name)) for s in self.statements)

    @property
    def entries(self) -> int:
        return self._sum("entries")

    @property
    def new(self) -> int:
        return self._sum("new")

    @property
    def known(self) -> int:
        return self._sum("known")

    @property
    def refused(self) -> int:
        return self._sum("refused")

    def totals(self) -> dict[str, Decimal]:
        """The entries' signed sum per currency."""
        sums: dict[str, Decimal] = {}
        for s in self.statements:
            sums[s.head.currency] = sums.get(s.head.currency, Decimal("0")) + s.total
        return sums


def _line_data(account: str, statement_label: str, entry: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "bank_account": account,
        "currency": entry.currency,
        "amount": format(entry.amount, "f"),  # as written: the canonical reader judges its decimals
        "date": entry.booking_date.isoformat(),
        "description": (entry.description or entry.remittance or entry.bank_code or "bank entry")[:MAX_TEXT],
        "reference": (entry.bank_reference or entry.end_to_end_id)[:MAX_NAME],
        "statement": statement_label[:MAX_NAME],
        "raw": entry.raw[:MAX_RAW],
    }
    counterparty, counterparty_problem = counterparty_account(entry.counterparty_account)
    optional = {
        "value_date": entry.value_date.isoformat() if entry.value_date else "",
        "counterparty_name": entry.counterparty_name[:MAX_NAME],
        "counterparty_account": counterparty[:64],
        "bank_reference": entry.bank_reference[:200],
        "end_to_end_id": entry.end_to_end_id[:200],
        "remittance": entry.remittance[:MAX_TEXT],
        "bank_code": entry.bank_code[:64],
    }
    data.update({key: value for key, value in optional.items() if value})
    if entry.reversal:
        data["reversal"] = True
    details = list(entry.details[: MAX_DETAILS - 1])
    if counterparty_problem:
        # Kept as the bank wrote it, with the finding beside it: a reconciliation model will not match it.
        details.append(("counterparty account check", counterparty_problem))
    if details:
        data["details"] = {name[:64]: value[:MAX_TEXT] for name, value in details}
    return data


@dataclass
class _Pending:
    key: str
    where: str
    data: dict[str, Any]
    occurred_at: datetime


# Each refused entry: where it is in the file and why.
Refusal = tuple[str, str]


class _Walk:
    """One pass over a file's pieces. `record` is called with each batch of new entries (None
    in a preview) and answers the entries it refused; `opened`/`closed` around each statement."""

    def __init__(
        self,
        figures: FileFigures,
        source: SourceSystem,
        record: Callable[[StatementFigures, list[_Pending]], list[Refusal]] | None,
        opened: Callable[[StatementFigures], None] | None = None,
        closed: Callable[[StatementFigures], None] | None = None,
    ) -> None:
        self.figures = figures
        self.source = source
        self.record = record
        self.opened = opened
        self.closed = closed
        self.current: StatementFigures | None = None
        self.keys = StatementKeys("")
        self.pending: list[_Pending] = []

    def run(self, pieces: Iterable[Piece]) -> None:
        for piece in pieces:
            if isinstance(piece, StatementHead):
                self._head(piece)
            elif isinstance(piece, Entry):
                self._entry(piece)
            elif isinstance(piece, StatementEnd):
                self._end(piece)
        if self.current is not None:
            raise FileRefused("", "the file ends inside a statement")

    def _head(self, head: StatementHead) -> None:
        if self.current is not None:
            raise FileRefused(head.where, "a statement starts before the one before it ended")
        account = compact(head.account)
        if looks_like_iban(account) and (problem := iban_problem(account)):
            raise FileRefused(head.where, f"the statement's account {problem}")
        if account != head.account:
            head = replace(head, account=account)
        self.current = StatementFigures(position=len(self.figures.statements) + 1, head=head, closing=head.closing)
        self.figures.statements.append(self.current)
        self.keys = StatementKeys(head.account)
        if self.opened is not None:
            self.opened(self.current)

    def _refuse(self, where: str, reason: str) -> None:
        assert self.current is not None
        self.current.refused += 1
        if len(self.figures.refusals) < REFUSALS_KEPT:
            self.figures.refusals.append({"where": where, "reason": reason})

    def _entry(self, entry: Entry) -> None:
        current = self.current
        if current is None:
            raise FileRefused(entry.where, "an entry outside any statement")
        current.entries += 1
        current.total += entry.amount
        if entry.amount >= 0:
            current.credits += entry.amount
        else:
            current.debits += entry.amount
        day = entry.booking_date
        current.first_booking = day if current.first_booking is None else min(current.first_booking, day)
        current.last_booking = day if current.last_booking is None else max(current.last_booking, day)
        key = self.keys.key(entry)  # counted even when refused: occurrences stay stable
        head = current.head
        if entry.currency != head.currency:
            self._refuse(
                entry.where,
                f"entry in {entry.currency} on a {head.currency} account: foreign currency is not supported yet",
            )
            return
        data = _line_data(head.account, statement_name(head.account, head.sequence, head.statement_id), entry)
        if self.record is None:
            # A preview checks each entry here; an import leaves it to the ingestion, which checks
            # every event anyway and names the ones it refuses (_ingest): once is enough.
            try:
                parse_document(KIND, data)
            except PayloadError as err:
                self._refuse(entry.where, str(err))
                return
        occurred = datetime.combine(day, time(0), tzinfo=UTC)
        self.pending.append(_Pending(key=key, where=entry.where, data=data, occurred_at=occurred))
        if len(self.pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        current = self.current
        if not self.pending or current is None:
            return
        batch, self.pending = self.pending, []
        known = set(
            SyncEvent.objects.filter(source=self.source, kind=KIND, external_id__in=[p.key for p in batch]).values_list(
                "external_id", flat=True
            )
        )
        fresh = [p for p in batch if p.key not in known]
        current.known += len(batch) - len(fresh)
        if self.record is None:
            current.new += len(fresh)
        elif fresh:
            for where, reason in self.record(current, fresh):
                self._refuse(where, reason)

    def _end(self, end: StatementEnd) -> None:
        current = self.current
        if current is None:
            raise FileRefused(end.where, "a statement ends that never started")
        self._flush()
        if end.closing is not None:
            current.closing = end.closing
        current.not_booked = end.not_booked
        if self.closed is not None:
            self.closed(current)
        self.current = None


IMPORTERS = (Role.OPERATOR, Role.ADMIN)


def statement_import_check(user: Any | None, entity: LegalEntity) -> None:
    """PermissionDenied unless `user` may bring files in for `entity` (None: the shell or the system)."""
    if user is None:
        return
    role_check(user, *IMPORTERS, doing="importing a statement file")
    if entity.pk not in entity_ids_visible(user):
        raise PermissionDenied(f"importing a statement file needs access to entity {entity.code}")


def _chunks(content: Content) -> Iterator[bytes]:
    if isinstance(content, bytes):
        view = memoryview(content)
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start : start + CHUNK])
        return
    content.seek(0)
    while chunk := content.read(CHUNK):
        yield chunk


def _measured(content: Content) -> tuple[int, str]:
    """The file's size and SHA-256, read a chunk at a time; ImportRefused, before it is read, when
    it is too large, and when it holds nothing."""
    limit = settings.STATEMENT_FILE_MAX_BYTES
    if isinstance(content, bytes):
        size = len(content)
    else:
        size = content.seek(0, io.SEEK_END)
    if size > limit:
        raise ImportRefused(f"the file is {size:,} bytes, over the limit of {limit:,}")
    blank, digest = True, hashlib.sha256()
    for chunk in _chunks(content):
        blank = blank and not chunk.strip()
        digest.update(chunk)
    if blank:
        raise ImportRefused("the file is empty")
    return size, digest.hexdigest()


def _content_store(file: StatementFile, content: Content, size: int) -> None:
    """Keep the file's bytes in its row. Through the ORM, psycopg binds on the client: the bytes
    become an escaped literal inside the statement's text, and a 93 MB file peaked at 867 MB.
    On PostgreSQL they are streamed instead, a chunk at a time, by a binary COPY of one row into
    a scratch table (its only field's length is the file's size, known before)."""
    if connection.vendor != "postgresql":
        data = content if isinstance(content, bytes) else b"".join(_chunks(content))
        StatementFile.objects.filter(pk=file.pk).update(content=data)
        return
    table = StatementFile._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS statement_file_bytes (data bytea) ON COMMIT DELETE ROWS")
        with cursor.cursor.copy("COPY statement_file_bytes (data) FROM STDIN WITH (FORMAT binary)") as copy:
            # The binary format: signature, flags, header extension; a row of one field; the trailer.
            copy.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack("!iihi", 0, 0, 1, size))
            for chunk in _chunks(content):
                copy.write(chunk)
            copy.write(struct.pack("!h", -1))
        cursor.execute(f"UPDATE {table} SET content = (SELECT data FROM statement_file_bytes) WHERE id = %s", [file.pk])
        cursor.execute("TRUNCATE statement_file_bytes")


def _repeat_of(source: SourceSystem, sha256: str) -> StatementFile | None:
    return StatementFile.objects.filter(source=source, sha256=sha256, repeat_of=None).order_by("pk").first()


def statement_file_preview(
    *, source: SourceSystem, entity: LegalEntity, content: Content, pieces: Iterable[Piece], user: Any | None
) -> FileFigures:
    """What importing the file would do, storing nothing."""
    statement_import_check(user, entity)
    size, sha256 = _measured(content)
    figures = FileFigures(sha256=sha256, size=size, repeat_of=_repeat_of(source, sha256))
    _Walk(figures, source, None).run(pieces)
    for statement in figures.statements:
        difference = statement.difference
        if difference:
            statement.problems.append(f"does not balance: difference {difference:,.2f} {statement.head.currency}")
    return figures


def statement_file_import(
    *,
    source: SourceSystem,
    entity: LegalEntity,
    name: str,
    fmt: str,
    profile: str,
    content: Content,
    pieces: Iterable[Piece],
    user: Any | None,
    actor: Actor,
) -> StatementFile:
    """Import the file in one transaction: its statements, their new entries as events, the
    holds its controls call for, and the audit record. FileRefused leaves nothing behind."""
    statement_import_check(user, entity)
    size, sha256 = _measured(content)
    if not source.flows.filter(event_kind=KIND).exists():
        raise ImportRefused(f"source {source.code} has no flow of bank statement lines: add one first")
    with transaction.atomic():
        account = file_account_ensure(source=source, entity=entity, actor=actor)
        file = StatementFile.objects.create(
            source=source,
            entity=entity,
            format=fmt,
            profile=profile,
            name=name[:255],
            sha256=sha256,
            size=size,
            content=b"",
            uploaded_by=user,
            uploaded_by_label=actor.label,
            uploaded_at=timezone.now(),
            repeat_of=_repeat_of(source, sha256),
        )
        _content_store(file, content, size)
        figures = FileFigures(sha256=sha256, size=size, repeat_of=file.repeat_of)
        rows: dict[int, BankStatement] = {}

        def opened(stmt: StatementFigures) -> None:
            head = stmt.head
            rows[stmt.position] = BankStatement.objects.create(
                file=file,
                source=source,
                entity=entity,
                position=stmt.position,
                account=head.account[:64],
                currency=head.currency,
                statement_id=head.statement_id[:200],
                sequence=head.sequence[:64],
                opening=head.opening.amount if head.opening else None,
                opening_date=head.opening.date if head.opening else None,
            )

        def record(stmt: StatementFigures, batch: list[_Pending]) -> list[Refusal]:
            created, refused = _ingest(account, source, entity, row=rows[stmt.position], batch=batch)
            stmt.new += created
            return refused

        def closed(stmt: StatementFigures) -> None:
            row = rows[stmt.position]
            row.closing = stmt.closing.amount if stmt.closing else None
            row.closing_date = stmt.closing.date if stmt.closing else None
            row.first_booking, row.last_booking = stmt.first_booking, stmt.last_booking
            row.entry_count, row.total = stmt.entries, stmt.total
            row.new_count, row.known_count, row.refused_count = stmt.new, stmt.known, stmt.refused
            row.not_booked_count = stmt.not_booked
            row.difference = stmt.difference
            row.save()
            statement_judge(row, actor=actor)
            stmt.problems = list(row.problems)

        _Walk(figures, source, record, opened, closed).run(prefetched(pieces))
        file.statement_count = len(figures.statements)
        file.entry_count, file.new_count = figures.entries, figures.new
        file.known_count, file.refused_count = figures.known, figures.refused
        file.refusals = figures.refusals
        # Not a plain save(): that would send the file's bytes again.
        file.save(
            update_fields=["statement_count", "entry_count", "new_count", "known_count", "refused_count", "refusals"]
        )
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="statement_file.imported",
                object_type="statement_file",
                object_id=str(file.pk),
                entity_code=entity.code,
                after={
                    "name": file.name,
                    "sha256": sha256,
                    "format": fmt,
                    "statements": file.statement_count,
                    "entries": file.entry_count,
                    "new": file.new_count,
                    "known": file.known_count,
                    "refused": file.refused_count,
                },
            ),
        )
    return file


def _ingest(
    account: ServiceAccount,
    source: SourceSystem,
    entity: LegalEntity,
    *,
    row: BankStatement,
    batch: list[_Pending],
) -> tuple[int, list[Refusal]]:
    """Record the batch's entries as events: how many were created, and the entries the
    ingestion refused (each by itself: the rest of the batch goes in without them)."""
    items = [
        {
            "source": source.code,
            "kind": KIND,
            "external_id": p.key,
            "entity": entity.code,
            "occurred_at": p.occurred_at.isoformat(),
            "correlation_id": row.correlation_id,
            "data": p.data,
        }
        for p in batch
    ]
    try:
        results = events_ingest(account=account, items=items)
    except IngestError as err:
        bad = {int(item["index"]): str(item["message"]) for item in err.items if item["code"] == "invalid_data"}
        if not bad or len(bad) < len(err.items):
            # What the service refuses beyond an entry's own data (a flow missing) is the file's.
            raise ImportRefused(f"{err.message} ({batch[0].where})") from err
        kept = [p for i, p in enumerate(batch) if i not in bad]
        created, refused = _ingest(account, source, entity, row=row, batch=kept) if kept else (0, [])
        return created, [(batch[i].where, reason) for i, reason in sorted(bad.items())] + refused
    return sum(1 for r in results if r.result == "created"), []
