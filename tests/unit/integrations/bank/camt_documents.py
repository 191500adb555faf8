"""camt.053 documents for the parser's tests: the shared sample files (../shared/vectors/camt053,
SOURCE.txt there) and small documents written here, each holding just what a test is about."""

from __future__ import annotations

import io
from pathlib import Path

from integrations.bank import camt053
from integrations.bank.statement import Entry, FileRefused, Piece, Statement, gather

# tests/unit/integrations/bank/ -> the repository; ../shared sits beside it (CI and worktrees alike).
VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "camt053"


def pieces(data: bytes) -> list[Piece]:
    return list(camt053.read(io.BytesIO(data)))


def statements(data: bytes) -> list[Statement]:
    return gather(camt053.read(io.BytesIO(data)))


def entries(data: bytes) -> list[Entry]:
    return [piece for piece in pieces(data) if isinstance(piece, Entry)]


def refusal(data: bytes) -> FileRefused:
    """The refusal the whole stream ends in (it must end in one)."""
    try:
        pieces(data)
    except FileRefused as refused:
        return refused
    raise AssertionError("the file was read, not refused")


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


HEAD = """
      <Id>STMT-1</Id>
      <ElctrncSeqNb>7</ElctrncSeqNb>
      <CreDtTm>2025-03-01T06:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-02-28</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">110.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-01</Dt></Dt></Bal>"""


def ntry(
    amount: str | None = "10.00",
    direction: str = "CRDT",
    *,
    status: str = "<Sts>BOOK</Sts>",
    booking: str = "<BookgDt><Dt>2025-03-01</Dt></BookgDt>",
    value: str = "<ValDt><Dt>2025-03-02</Dt></ValDt>",
    before_status: str = "",
    after_dates: str = "",
    details: str = "",
    after_details: str = "",
    currency: str = "EUR",
) -> str:
    amt = f'<Amt Ccy="{currency}">{amount}</Amt>' if amount is not None else ""
    dtls = f"<NtryDtls>{details}</NtryDtls>" if details else ""
    return (
        f"\n      <Ntry>{amt}<CdtDbtInd>{direction}</CdtDbtInd>{before_status}{status}{booking}{value}"
        f"{after_dates}{dtls}{after_details}</Ntry>"
    )


def stmt(*entries: str, head: str = HEAD) -> str:
    return f"\n    <Stmt>{head}{''.join(entries)}\n    </Stmt>"


def document(*statements: str, version: str = "02", group: str = "") -> bytes:
    grp = group or "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-01T05:00:00Z</CreDtTm></GrpHdr>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">\n'
        f"  <BkToCstmrStmt>{grp}{''.join(statements)}\n  </BkToCstmrStmt>\n</Document>\n"
    ).encode()


def one(*entries: str, version: str = "02") -> bytes:
    """A document of one statement (HEAD) holding `entries`."""
    return document(stmt(*entries), version=version)
