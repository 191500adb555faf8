"""Walking the audit chain: every row's hash recomputed from its content and
its predecessor's hash. The first row that does not verify is named."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from console.audit.chain import GENESIS_HASH, HASHED_FIELDS, STORED_FIELDS
from console.audit.models import AuditChainHead, AuditEvent, AuditVerification


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    rows_checked: int
    first_bad_sequence: int | None
    message: str
    last_sequence: int
    last_hash: str


def audit_chain_check(*, chunk_size: int = 20_000) -> ChainCheck:
    """Recompute the whole chain. Read-only; see audit_chain_verify to record the result."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode
    sha256 = hashlib.sha256
    rows = AuditEvent.objects.order_by("sequence").values_list(*STORED_FIELDS).iterator(chunk_size=chunk_size)
    for row in rows:
        fields = dict(zip(HASHED_FIELDS, row, strict=False))
        seq, prev, digest = row[0], row[-2], row[-1]
        if seq != expected_seq:
            return ChainCheck(
                False, checked, expected_seq, f"row #{expected_seq} is missing (next is #{seq})", seq, prev
            )
        if prev != expected_prev:
            return ChainCheck(
                False, checked, seq, f"row #{seq} does not follow row #{seq - 1} (prev_hash differs)", seq, prev
            )
        fields["occurred_at"] = fields["occurred_at"].isoformat()
        if sha256((prev + dumps(fields)).encode("utf-8")).hexdigest() != digest:
            return ChainCheck(
                False, checked, seq, f"row #{seq} was changed after it was written (hash differs)", seq, prev
            )
        expected_prev = digest
        expected_seq = seq + 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_sequence != expected_seq - 1:
        return ChainCheck(
            False,
            checked,
            expected_seq,
            f"the chain ends at #{expected_seq - 1} but its head says #{head.last_sequence}: rows were removed",
            expected_seq - 1,
            expected_prev,
        )
    return ChainCheck(True, checked, None, f"{checked} rows verify", expected_seq - 1, expected_prev)


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


def audit_digest_write(*, verification: AuditVerification, day: datetime | None = None) -> Path:
    """The day's anchor (last sequence and hash), written outside the database to be copied elsewhere."""
    day = day or timezone.now()
    folder = Path(getattr(settings, "AUDIT_DIGEST_DIR", settings.VAR_DIR / "audit-digests"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-digest-{day:%Y-%m-%d}.json"
    path.write_text(
        json.dumps(
            {
                "date": f"{day:%Y-%m-%d}",
                "last_sequence": verification.last_sequence,
                "last_hash": verification.last_hash,
                "verified": verification.ok,
                "verified_at": verification.finished_at.isoformat(),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return path
