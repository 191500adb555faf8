"""From a file's bytes to statement pieces, by format: the one place the console calls the
parsers of integrations/bank."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from console.sources.services.statement_profiles import csv_profile
from integrations.bank import camt053, csv_statement, mt940
from integrations.bank.statement import FileRefused, Piece


def statement_pieces(
    fmt: str, content: bytes | BinaryIO, *, profile: str = "", account: str = "", currency: str = ""
) -> Iterator[Piece]:
    """The pieces of `content` (the bytes, or an open file read from where it stands) read as
    `fmt`; FileRefused names where the file is wrong. A CSV is read through the named profile;
    `account` and `currency` are for a CSV whose profile has no column for them (the entity's
    currency is the usual one)."""
    if fmt != "csv" and (profile or account):
        raise FileRefused("", f"a profile and an account are for CSV files: a {fmt} file names its own")
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    if fmt == "camt053":
        return camt053.read(stream)
    if fmt == "mt940":
        return mt940.read(stream)
    if fmt == "csv":
        return csv_statement.read(stream, csv_profile(profile), account=account, currency=currency)
    raise FileRefused("", f"unknown statement format {fmt!r}: camt053, mt940 or csv")


def format_sniffed(content: bytes) -> str:
    """camt053 or mt940 by what the file starts with; "" when it does not say (a CSV)."""
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or b"camt.053" in head:
        return "camt053"
    if head.startswith((b"{1:", b":20:", b":940:")) or b"\n:20:" in head or b"\r\n:20:" in head:
        return "mt940"
    return ""
