"""The day's digest: the chain's last verified sequence and hash, written outside the database.

A copy kept where the database's administrators cannot write anchors the chain: whoever cuts
rows from its end and rewinds the head (an owner of the tables can) still leaves the digests
naming rows that are gone. audit_verify reads every digest back (verify.py); this module writes
one per day and never lets a shorter chain replace the day's digest.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from console.audit.models import AuditVerification

PATTERN = "audit-digest-*.json"


class DigestError(Exception):
    """A digest cannot be read, or would be replaced by a shorter or different chain."""


@dataclass(frozen=True)
class Anchor:
    """A point of the chain recorded earlier: row `sequence` had hash `last_hash`."""

    sequence: int
    last_hash: str
    source: str  # what recorded it, for the message: "the digest of 2026-11-30"


def digest_folder() -> Path:
    return Path(getattr(settings, "AUDIT_DIGEST_DIR", settings.VAR_DIR / "audit-digests"))


def _read(path: Path) -> Anchor:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        sequence, last_hash = data["last_sequence"], data["last_hash"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DigestError(f"the digest {path.name} cannot be read ({err}): it was changed or damaged") from err
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0 or not isinstance(last_hash, str):
        raise DigestError(f"the digest {path.name} does not hold a sequence and a hash: it was changed")
    return Anchor(sequence, last_hash, f"the digest of {path.stem.removeprefix('audit-digest-')}")


def digest_anchors() -> list[Anchor]:
    """Every digest written so far, oldest first; DigestError names one that cannot be read."""
    folder = digest_folder()
    return [_read(path) for path in sorted(folder.glob(PATTERN))] if folder.is_dir() else []


def audit_digest_write(*, verification: AuditVerification, day: datetime | None = None) -> Path:
    """Write the day's digest from a verification that passed.

    Refused (DigestError, the file left as it was) when the verification failed, or when the
    day's digest already names a later row, or the same row with another hash: a cut or
    rewritten chain must not replace the anchor that shows it.
    """
    if not verification.ok:
        raise DigestError(f"the chain does not verify ({verification.message}): no digest written")
    day = day or timezone.now()
    folder = digest_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-digest-{day:%Y-%m-%d}.json"
    if path.exists():
        earlier = _read(path)
        if earlier.sequence > verification.last_sequence or (
            earlier.sequence == verification.last_sequence and earlier.last_hash != verification.last_hash
        ):
            raise DigestError(
                f"{path.name} names row #{earlier.sequence}; the chain verified now ends at "
                f"#{verification.last_sequence}: a shorter or different chain does not replace it"
            )
    text = json.dumps(
        {
            "date": f"{day:%Y-%m-%d}",
            "last_sequence": verification.last_sequence,
            "last_hash": verification.last_hash,
            "verified": verification.ok,
            "verified_at": verification.finished_at.isoformat(),
        },
        indent=2,
    )
    # Written aside and renamed: a crash mid-write never leaves a damaged digest.
    partial = path.with_suffix(".partial")
    partial.write_text(text + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path
