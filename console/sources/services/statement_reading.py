"""From a file's bytes to statement pieces, by format: the one place the console calls the
parsers of integrations/bank."""

from __future__ import annotations

import io
from collections.abc import Iterator

from integrations.bank.statement import FileRefused, Piece


def statement_pieces(
    fmt: str, content: bytes, *, profile: object = None, account: str = "", currency: str = ""
) -> Iterator[Piece]:
    """The pieces of `content` read as `fmt`; FileRefused names where the file is wrong."""
    stream = io.BytesIO(content)
    if fmt == "camt053":
        from integrations.bank import camt053

        return camt053.read(stream)
    if fmt == "mt940":
        from integrations.bank import mt940

        return mt940.read(stream)
    if fmt == "csv":
        from integrations.bank import csv_profile

        if not isinstance(profile, csv_profile.CsvProfile):
            raise FileRefused("", "a CSV statement needs the bank's profile")
        if not account or not currency:
            raise FileRefused("", "a CSV statement needs the account and its currency")
        return csv_profile.read(stream, profile, account=account, currency=currency)
    raise FileRefused("", f"unknown statement format {fmt!r}: camt053, mt940 or csv")


def format_sniffed(content: bytes) -> str:
    """camt053 or mt940 by what the file starts with; "" when it does not say (a CSV)."""
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or b"camt.053" in head:
        return "camt053"
    if head.startswith((b"{1:", b":20:", b":940:")) or b"\n:20:" in head or b"\r\n:20:" in head:
        return "mt940"
    return ""
