"""What every statement parser yields: a stream of pieces, so a 100,000-entry file
is never held whole in memory.

A parser yields, for each statement in the file, one `StatementHead`, then its
`Entry` pieces in file order, then one `StatementEnd`. A balance a format gives
before the entries (camt.053's OPBD and CLBD) is on the head; one it gives after
them (MT940's :62F:) is on the end; `closing` of the end wins when both exist.

Amounts are signed Decimals in the statement's currency: a credit (money in) is
positive, a debit negative. A reversal (camt `RvslInd`, MT940 `RC`/`RD`) keeps the
sign of the money's real direction: a reversed debit is money coming back, positive,
and is marked `reversal` so the console can say so.

`where` says where in the file a piece came from, in the words a person would look
for: an element path for XML (`Stmt[2]/Ntry[14]/NtryDtls/TxDtls[1]`), a line for text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class FileRefused(ValueError):
    """The file cannot be read as a statement file; the message names where and why
    (`line 14, column 3: ...` or `Stmt[1]/Bal[2]/Amt: ...`)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal  # signed: a debit balance (overdrawn) is negative
    currency: str
    date: date


@dataclass(frozen=True, slots=True)
class StatementHead:
    account: str  # IBAN when the bank gives one, else its other id (MT940 :25:, camt Othr/Id)
    currency: str  # the account's currency (camt Acct/Ccy, else the balances'; MT940 :60F:)
    statement_id: str  # camt Stmt/Id, MT940 :20: (banks reuse them: never a key on its own)
    sequence: str  # camt ElctrncSeqNb (or LglSeqNb), MT940 :28C: statement number ("" when none)
    created_at: str  # camt CreDtTm as written, "" when none
    opening: Balance | None  # camt OPBD (else PRCD), MT940 :60F:/:60M:
    closing: Balance | None  # camt CLBD; MT940's comes on the StatementEnd
    where: str
    bic: str = ""  # the account servicer's BIC when the file names it
    account_owner: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """One booked movement, or one transaction of a batched entry (camt NtryDtls/Btch
    with several TxDtls: one Entry each, with the batch's entry reference and its index)."""

    booking_date: date
    value_date: date | None
    amount: Decimal  # signed, see the module's note
    currency: str
    description: str  # what a person reads first: remittance, else additional info, else the code's words
    counterparty_name: str = ""
    counterparty_account: str = ""  # IBAN or other account id of the other party
    counterparty_bic: str = ""
    bank_reference: str = ""  # the bank's own reference (camt AcctSvcrRef of the entry or the transaction)
    end_to_end_id: str = ""  # camt Refs/EndToEndId ("NOTPROVIDED" is kept as "")
    remittance: str = ""  # camt RmtInf/Ustrd lines joined by " ", else Strd/CdtrRefInf/Ref; MT940 :86: remittance
    bank_code: str = ""  # camt BkTxCd Domn/Fmly/SubFmly as "PMNT/RCDT/ESCT", else Prtry/Cd; MT940 type code
    reversal: bool = False
    batch_index: int = 0  # 1-based transaction index inside a batched entry; 0 for a plain entry
    details: tuple[tuple[str, str], ...] = ()  # further named sub-fields worth keeping (e.g. MT940 :86: codes)
    raw: str = ""  # the entry as written in the file (the Ntry element, the :61:+:86: lines, the CSV row)
    where: str = ""


@dataclass(frozen=True, slots=True)
class StatementEnd:
    closing: Balance | None = None  # MT940 :62F:/:62M:; None when the head had it
    available: Balance | None = None  # camt CLAV, MT940 :64:; shown, never checked
    where: str = ""
    not_booked: int = 0  # entries the file lists but the bank has not booked (camt Sts PDNG, INFO): not yielded


Piece = StatementHead | Entry | StatementEnd


@dataclass(slots=True)
class Statement:
    """A statement gathered whole: for tests and small files. The console streams pieces."""

    head: StatementHead
    entries: list[Entry] = field(default_factory=list)
    end: StatementEnd = field(default_factory=StatementEnd)

    @property
    def closing(self) -> Balance | None:
        return self.end.closing or self.head.closing


def gather(pieces: Iterator[Piece]) -> list[Statement]:
    """The statements of a piece stream, entries in file order."""
    statements: list[Statement] = []
    for piece in pieces:
        if isinstance(piece, StatementHead):
            statements.append(Statement(piece))
        elif isinstance(piece, Entry):
            statements[-1].entries.append(piece)
        else:
            statements[-1].end = piece
    return statements
