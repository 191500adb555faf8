"""Recording events from source systems, once.

The idempotency claim is the unique constraint on (source, kind, external_id),
taken by INSERT ... ON CONFLICT DO NOTHING: concurrent deliveries of one key
cannot both win. A batch is validated whole before anything is written; one
bad item refuses the batch, with every bad item named, and stores nothing but
a rejection counter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from console.access.models import ServiceAccount
from console.audit.actors import Actor
from console.sync.models import DuplicateAttempt, Flow, IngestRejection, LegalEntity, SourceSystem, SyncEvent
from console.sync.services.dispatch import events_dispatch_on_commit
from console.sync.signals import duplicates_conflicted
from integrations.canonical import (
    FIRST_YEAR,
    KINDS,
    LAST_YEAR,
    PayloadError,
    parse_document,
    printable_name,
    storable_problem,
)

MAX_EXTERNAL_ID = 200
EVENT_FIELDS = frozenset({"source", "external_id", "kind", "entity", "occurred_at", "correlation_id", "data"})


class IngestError(Exception):
    """The delivery is refused as a whole; `status` is the HTTP status to answer."""

    def __init__(self, status: int, code: str, message: str, items: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.items = items or []


@dataclass
class ItemError(Exception):
    status: int
    code: str
    message: str
    source_code: str = ""


@dataclass
class _Valid:
    index: int
    source: SourceSystem
    flow: Flow
    entity: LegalEntity
    kind: str
    external_id: str
    correlation_id: str
    occurred_at: datetime
    data: dict[str, Any]
    data_json: str
    payload_hash: str
    amount: Any
    currency: str

    key: tuple[int, str, str] = (0, "", "")

    def __post_init__(self) -> None:
        self.key = (self.source.pk, self.kind, self.external_id)


@dataclass
class ItemResult:
    index: int
    status: int
    result: str
    event_id: int
    external_id: str
    kind: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "status": self.status,
            "result": self.result,
            "duplicate": self.result != "created",
            "event_id": self.event_id,
            "source": self.source,
            "kind": self.kind,
            "external_id": self.external_id,
        }


@dataclass
class _Context:
    """Small reference tables, read once per delivery."""

    account: ServiceAccount
    allowed: set[int]
    allowed_entities: set[int]
    sources: dict[str, SourceSystem] = field(default_factory=dict)
    entities: dict[str, LegalEntity] = field(default_factory=dict)
    flows: dict[tuple[int, str], Flow] = field(default_factory=dict)

    @classmethod
    def load(cls, account: ServiceAccount) -> _Context:
        ctx = cls(
            account=account,
            allowed=set(account.sources.values_list("pk", flat=True)),
            allowed_entities=set(account.entities.values_list("pk", flat=True)),
        )
        ctx.sources = {s.code: s for s in SourceSystem.objects.all()}
        ctx.entities = {e.code: e for e in LegalEntity.objects.all()}
        ctx.flows = {(f.source_id, f.event_kind): f for f in Flow.objects.all()}
        return ctx


def canonical_data(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_hash(*, entity: str, occurred_at: datetime, data_json: str) -> str:
    """What makes two deliveries of a key the same: entity, time and data (not the correlation id)."""
    return hashlib.sha256(f"{entity}|{occurred_at.isoformat()}|{data_json}".encode()).hexdigest()


def _string(item: dict[str, Any], key: str, *, required: bool, limit: int) -> str:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise ItemError(400, "missing_field", f"{key}: is required")
        return ""
    if not isinstance(value, str):
        raise ItemError(400, "invalid_field", f"{key}: must be a string")
    if len(value) > limit:
        raise ItemError(400, "invalid_field", f"{key}: is longer than {limit} characters")
    problem = storable_problem(value)
    if problem is not None:
        raise ItemError(400, "invalid_field", f"{key}: {problem}")
    return value


def _occurred_at(item: dict[str, Any]) -> datetime:
    raw = _string(item, "occurred_at", required=True, limit=40)
    try:
        if not raw.isascii():  # fromisoformat would read other digits
            raise ValueError(raw)
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ItemError(400, "invalid_field", f"occurred_at: {raw!r} is not an ISO 8601 date-time") from None
    if value.tzinfo is None:
        raise ItemError(400, "invalid_field", "occurred_at: needs a time zone offset (e.g. 2026-11-23T10:00:00Z)")
    outside = ItemError(
        400, "invalid_field", f"occurred_at: {raw} is outside {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31 in UTC"
    )
    try:
        utc = value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is a time of year 0 in UTC
        raise outside from None
    if not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise outside
    return utc


def _validate(index: int, item: Any, ctx: _Context) -> _Valid:
    if not isinstance(item, dict):
        raise ItemError(400, "invalid_event", "an event must be a JSON object")
    unknown = sorted(set(item) - EVENT_FIELDS)
    if unknown:
        raise ItemError(400, "unknown_field", f"unknown field(s): {', '.join(map(printable_name, unknown))}")
    source_code = _string(item, "source", required=True, limit=64)
    source = ctx.sources.get(source_code)
    if source is None:
        raise ItemError(400, "unknown_source", f"source: unknown source system {source_code!r}", source_code)
    if source.pk not in ctx.allowed:
        raise ItemError(
            403, "source_not_allowed", f"source: this token may not ingest for {source_code!r}", source_code
        )
    if not source.is_active:
        raise ItemError(400, "inactive_source", f"source: {source_code!r} is inactive", source_code)
    kind = _string(item, "kind", required=True, limit=32)
    if kind not in KINDS:
        raise ItemError(400, "invalid_field", f"kind: must be one of {', '.join(KINDS)}", source_code)
    flow = ctx.flows.get((source.pk, kind))
    if flow is None or not flow.is_active:
        raise ItemError(400, "no_flow", f"kind: no active flow for {kind} from {source_code!r}", source_code)
    entity_code = _string(item, "entity", required=True, limit=32)
    entity = ctx.entities.get(entity_code)
    if entity is None:
        raise ItemError(400, "unknown_entity", f"entity: unknown legal entity {entity_code!r}", source_code)
    if entity.pk not in ctx.allowed_entities:
        raise ItemError(
            403, "entity_not_allowed", f"entity: this token may not ingest for {entity_code!r}", source_code
        )
    external_id = _string(item, "external_id", required=True, limit=MAX_EXTERNAL_ID)
    if external_id != external_id.strip():
        raise ItemError(400, "invalid_field", "external_id: must not start or end with spaces", source_code)
    occurred_at = _occurred_at(item)
    correlation_id = _string(item, "correlation_id", required=False, limit=200)
    data = item.get("data")
    try:
        document = parse_document(kind, data)
    except PayloadError as err:
        raise ItemError(400, "invalid_data", str(err), source_code) from None
    assert isinstance(data, dict)
    data_json = canonical_data(data)
    return _Valid(
        index=index,
        source=source,
        flow=flow,
        entity=entity,
        kind=kind,
        external_id=external_id,
        correlation_id=correlation_id,
        occurred_at=occurred_at,
        data=data,
        data_json=data_json,
        payload_hash=payload_hash(entity=entity.code, occurred_at=occurred_at, data_json=data_json),
        amount=document.amount,
        currency=document.currency,
    )


def rejection_count(*, reason: str, source_code: str = "") -> None:
    """Count a refused delivery; the refused content itself is not kept."""
    day = timezone.now().date()
    for _ in range(3):
        try:
            with transaction.atomic():
                updated = IngestRejection.objects.filter(day=day, reason=reason, source_code=source_code[:64]).update(
                    count=F("count") + 1
                )
                if not updated:
                    IngestRejection.objects.create(day=day, reason=reason, source_code=source_code[:64], count=1)
            return
        except IntegrityError:
            continue


_COLUMNS = (
    "source_id, flow_id, entity_id, kind, external_id, correlation_id, occurred_at, received_at, payload, "
    "payload_hash, amount, currency, ingested_by_id, state, state_changed_at, enqueued_at, attempt_count, "
    "reason_code, reason_message, blocked_on, odoo_model, odoo_name, mapping_versions"
)
_STAGED = (
    "source_id, flow_id, entity_id, kind, external_id, correlation_id, occurred_at, "
    "payload, payload_hash, amount, currency"
)
_RETURNING = "ON CONFLICT (source_id, kind, external_id) DO NOTHING RETURNING id, source_id, kind, external_id"


def _insert(rows: Sequence[_Valid], account: ServiceAccount, now: datetime) -> dict[tuple[int, str, str], int]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the keys this call created, with their ids."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _stage_rows_postgres(cursor, rows)
            sql = (
                f"INSERT INTO {SyncEvent._meta.db_table} ({_COLUMNS}) "
                f"SELECT source_id, flow_id, entity_id, kind, external_id, correlation_id, occurred_at, %s, payload, "
                "payload_hash, amount, currency, %s, 'queued', %s, %s, 0, '', '', '', '', '', '[]' "
                f"FROM ingest_stage ORDER BY ord {_RETURNING}"
            )
            cursor.execute(sql, [now, account.pk, now, now])
        else:
            cursor.execute(*_values_statement(rows, account, now))
        return {(int(s), str(k), str(x)): int(i) for i, s, k, x in cursor.fetchall()}


def _stage_rows_postgres(cursor: Any, rows: Sequence[_Valid]) -> None:
    # COPY into a session-local staging table: a VALUES list with a placeholder
    # per field costs more in query building and parsing than the insert itself.
    cursor.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS ingest_stage (ord integer, source_id bigint, flow_id bigint, "
        "entity_id bigint, kind text, external_id text, correlation_id text, occurred_at timestamptz, "
        "payload jsonb, payload_hash text, amount numeric(18, 2), currency text) ON COMMIT DELETE ROWS"
    )
    # Emptied at commit, but a caller may ingest many batches in one transaction (a statement
    # file's import does): without this each INSERT read back every batch staged before it.
    cursor.execute("TRUNCATE ingest_stage")
    with cursor.cursor.copy(f"COPY ingest_stage (ord, {_STAGED}) FROM STDIN") as copy:
        for ord_, row in enumerate(rows):
            copy.write_row(
                (
                    ord_,
                    row.source.pk,
                    row.flow.pk,
                    row.entity.pk,
                    row.kind,
                    row.external_id,
                    row.correlation_id,
                    row.occurred_at,
                    row.data_json,
                    row.payload_hash,
                    row.amount,
                    row.currency,
                )
            )


def _values_statement(rows: Sequence[_Valid], account: ServiceAccount, now: datetime) -> tuple[str, list[Any]]:
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    one = "(" + ", ".join(["%s"] * 13) + ", 'queued', %s, %s, 0, '', '', '', '', '', '[]')"
    params: list[Any] = []
    for row in rows:
        params.extend(
            (
                row.source.pk,
                row.flow.pk,
                row.entity.pk,
                row.kind,
                row.external_id,
                row.correlation_id,
                ops.adapt_datetimefield_value(row.occurred_at),
                stamp,
                row.data_json,
                row.payload_hash,
                ops.adapt_decimalfield_value(row.amount, 18, 2),
                row.currency,
                account.pk,
                stamp,
                stamp,
            )
        )
    values = ", ".join([one] * len(rows))
    return f"INSERT INTO {SyncEvent._meta.db_table} ({_COLUMNS}) VALUES {values} {_RETURNING}", params


def events_ingest(*, account: ServiceAccount, items: Sequence[Any]) -> list[ItemResult]:
    """Validate every item, then record the new ones and the repeats in one transaction."""
    ctx = _Context.load(account)
    valid: list[_Valid] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            valid.append(_validate(index, item, ctx))
        except ItemError as err:
            errors.append({"index": index, "status": err.status, "code": err.code, "message": err.message})
            rejection_count(reason=err.code, source_code=err.source_code)
    if errors:
        status = errors[0]["status"] if len({e["status"] for e in errors}) == 1 else 400
        raise IngestError(status, errors[0]["code"], errors[0]["message"], errors)

    now = timezone.now()
    first_of_key: dict[tuple[int, str, str], _Valid] = {}
    for row in valid:
        first_of_key.setdefault(row.key, row)
    with transaction.atomic():
        created = _insert(list(first_of_key.values()), account, now) if first_of_key else {}
        repeats = [row for row in valid if row.key not in created or first_of_key[row.key] is not row]
        existing = _existing(repeats, created)
        duplicates = []
        results: list[ItemResult] = []
        for row in valid:
            key = row.key
            if key in created and first_of_key[key] is row:
                results.append(_result(row, 201, "created", created[key]))
                continue
            event_id, original_hash = existing[key]
            same = original_hash == row.payload_hash
            duplicates.append(
                DuplicateAttempt(
                    event_id=event_id,
                    received_at=now,
                    same_payload=same,
                    payload_hash=row.payload_hash,
                    payload=None if same else row.data,
                    correlation_id=row.correlation_id,
                    ingested_by=account,
                )
            )
            results.append(_result(row, 200 if same else 409, "duplicate" if same else "conflict", event_id))
        DuplicateAttempt.objects.bulk_create(duplicates)
        conflicts = [d for d in duplicates if not d.same_payload]
        if conflicts:
            duplicates_conflicted.send(sender=SyncEvent, attempts=conflicts, actor=Actor.service(account.name))
        ServiceAccount.objects.filter(pk=account.pk).update(last_used_at=now)
        new_rows = [(created[r.key], r.entity.pk, r.kind) for r in first_of_key.values() if r.key in created]
        events_dispatch_on_commit(new_rows)
    return results


def _existing(
    repeats: Sequence[_Valid], created: dict[tuple[int, str, str], int]
) -> dict[tuple[int, str, str], tuple[int, str]]:
    if not repeats:
        return {}
    wanted = {row.key for row in repeats}
    found = SyncEvent.objects.filter(
        source_id__in={k[0] for k in wanted},
        kind__in={k[1] for k in wanted},
        external_id__in={k[2] for k in wanted},
    ).values_list("pk", "source_id", "kind", "external_id", "payload_hash")
    return {(s, k, x): (pk, h) for pk, s, k, x, h in found if (s, k, x) in wanted}


def _result(row: _Valid, status: int, result: str, event_id: int) -> ItemResult:
    return ItemResult(
        index=row.index,
        status=status,
        result=result,
        event_id=event_id,
        external_id=row.external_id,
        kind=row.kind,
        source=row.source.code,
    )
