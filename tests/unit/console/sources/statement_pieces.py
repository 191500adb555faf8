"""Statements written as pieces, for the console's tests: what any parser would yield."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from console.sync.services.demo import DEMO_BANK_ACCOUNT
from integrations.bank.statement import Balance, Entry, Piece, StatementEnd, StatementHead

DAY = date(2026, 11, 14)


def entry(amount: str, *, ref: str = "", remittance: str = "Invoice 118", day: date = DAY, **extra: object) -> Entry:
    return Entry(
        booking_date=day,
        value_date=day,
        amount=Decimal(amount),
        currency=str(extra.pop("currency", "USD")),
        description=remittance,
        remittance=remittance,
        bank_reference=ref,
        raw=f"<Ntry><Amt>{amount}</Amt></Ntry>",
        where=str(extra.pop("where", f"Stmt[1]/Ntry[{ref or amount}]")),
        **extra,  # type: ignore[arg-type]
    )


def statement(
    *entries: Entry,
    opening: str = "1000.00",
    closing: str | None = None,
    sequence: str = "318",
    day: date = DAY,
    account: str = DEMO_BANK_ACCOUNT,
    statement_id: str = "",
) -> list[Piece]:
    """One statement; closing defaults to the balance the entries add up to."""
    total = sum((e.amount for e in entries), Decimal("0"))
    close = Decimal(closing) if closing is not None else Decimal(opening) + total
    head = StatementHead(
        account=account,
        currency="USD",
        statement_id=statement_id or f"STMT-{sequence}",
        sequence=sequence,
        created_at="",
        opening=Balance(Decimal(opening), "USD", day - timedelta(days=1)),
        closing=Balance(close, "USD", day),
        where="Stmt[1]",
    )
    return [head, *entries, StatementEnd(where="Stmt[1]")]
