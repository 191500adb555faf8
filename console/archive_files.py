"""Archive files of the retention runs: gzip JSON Lines, written to disk and fsynced before the
rows they hold are removed, with the sha256 of the file as written (the AuditEvent records it).

One line per record. The first is a header saying what the file holds; a reader takes the rest
as they come (`zcat FILE | jq`). Values are as Django's JSON encoder writes them: decimals and
UUIDs as strings, times in ISO 8601.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

FORMAT = 1


class ArchiveError(ValueError):
    """An archive run refused as asked (a cut-off or batch size out of range)."""


def archive_folder() -> Path:
    return Path(getattr(settings, "ARCHIVE_DIR", settings.VAR_DIR / "archive"))


def row_values(row: models.Model) -> dict[str, Any]:
    """Every stored column of the row under its column's attribute name (`event_id`, not `event`);
    binary columns (a webhook's raw body) as base64 text."""
    values: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        value = field.value_from_object(row)
        if isinstance(value, bytes | memoryview):
            value = base64.b64encode(bytes(value)).decode("ascii")
        values[field.attname] = value
    return values


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ArchiveWriter:
    """Writes one archive file under the archive folder; `sha256` is set once it is closed.

    The file is written in place under its final name: a run that fails before its rows are
    removed leaves a file no AuditEvent names, which the next run of the same rows replaces.
    """

    def __init__(self, name: str, header: dict[str, Any]) -> None:
        self.path = archive_folder() / name
        self.header = header
        self.lines = 0
        self.sha256 = ""
        self._raw: IO[bytes] | None = None
        self._gzip: gzip.GzipFile | None = None

    def __enter__(self) -> ArchiveWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = self.path.open("wb")
        # mtime=0: the same rows give the same bytes, so the same hash.
        self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
        self.write({"type": "header", "format": FORMAT, "binary": "base64", **self.header})
        return self

    def write(self, record: dict[str, Any]) -> None:
        assert self._gzip is not None
        line = json.dumps(record, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        self._gzip.write(line.encode("utf-8") + b"\n")
        self.lines += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._gzip is not None and self._raw is not None
        self._gzip.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        if kind is not None:
            self.path.unlink(missing_ok=True)
            return
        _fsync_folder(self.path.parent)
        self.sha256 = file_sha256(self.path)

    def discard(self) -> None:
        """The rows stay after all (the transaction rolled back): the file holds nothing removed."""
        self.path.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    # The file's name is durable only once its folder is.
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def archive_read(path: Path) -> list[dict[str, Any]]:
    """Every line of an archive file (header first): for tests and a look from the shell."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
