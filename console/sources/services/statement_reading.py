"""From a file's bytes to statement pieces, by format: the one place the console calls the
parsers of integrations/bank."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from integrations.bank import camt053
from integrations.bank.statement import FileRefused, Piece


def statement_pieces(fmt: str, content: bytes | BinaryIO) -> Iterator[Piece]:
    """The pieces of `content` (the bytes, or an open file read from where it stands) read as
    `fmt`; FileRefused names where the file is wrong."""
    if fmt == "camt053":
        return camt053.read(io.BytesIO(content) if isinstance(content, bytes) else content)
    if fmt in ("mt940", "csv"):
        # Their parsers are being written (issue 15); until they land such files are refused by name.
        raise FileRefused("", f"{fmt} statements cannot be imported yet: only camt.053 for now")
    raise FileRefused("", f"unknown statement format {fmt!r}: camt053, mt940 or csv")


def format_sniffed(content: bytes) -> str:
    """camt053 or mt940 by what the file starts with; "" when it does not say (a CSV)."""
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or b"camt.053" in head:
        return "camt053"
    if head.startswith((b"{1:", b":20:", b":940:")) or b"\n:20:" in head or b"\r\n:20:" in head:
        return "mt940"
    return ""
