"""MT940 files for the parser's tests: the shared sample files (../shared/vectors/mt940,
SOURCE.txt there) and small files written here, each holding just what a test is about."""

from __future__ import annotations

import io
from pathlib import Path

from integrations.bank import mt940
from integrations.bank.statement import Entry, FileRefused, Piece, Statement, gather

# tests/unit/integrations/bank/ -> the repository; ../shared sits beside it (CI and worktrees alike).
VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "mt940"

IBAN = "NL91ABNA0417164300"
OPENING = ":60F:C250301EUR100,00"
CLOSING = ":62F:C250302EUR110,00"


def pieces(data: bytes) -> list[Piece]:
    return list(mt940.read(io.BytesIO(data)))


def statements(data: bytes) -> list[Statement]:
    return gather(mt940.read(io.BytesIO(data)))


def entries(data: bytes) -> list[Entry]:
    return [piece for piece in pieces(data) if isinstance(piece, Entry)]


def one_entry(data: bytes) -> Entry:
    (entry,) = entries(data)
    return entry


def refusal(data: bytes) -> FileRefused:
    """The refusal the whole stream ends in (it must end in one)."""
    try:
        pieces(data)
    except FileRefused as refused:
        return refused
    raise AssertionError("the file was read, not refused")


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def statement(
    *lines: str,
    reference: str = "STMT-1",
    account: str = f":25:{IBAN}",
    sequence: str = ":28C:7/1",
    opening: str = OPENING,
    closing: str = CLOSING,
) -> str:
    """One statement's text: :20:, :25:, :28C:, the opening, `lines`, the closing (each
    left out when given as "")."""
    head = [f":20:{reference}", account, sequence, opening]
    return "\n".join(line for line in (*head, *lines, closing) if line)


def document(*texts: str, newline: str = "\n") -> bytes:
    """Statements one after the other, each ended by a `-` line."""
    return "".join(f"{text}\n-\n" for text in texts).replace("\n", newline).encode()


def one(*lines: str, **head: str) -> bytes:
    """A file of one statement holding `lines` (entries and their :86:)."""
    return document(statement(*lines, **head))


def line_of(data: bytes, needle: str) -> int:
    """The number of the line where `needle` first appears."""
    return data.decode("utf-8", "replace").split(needle)[0].count("\n") + 1
