"""MT940 files of any size, for benchmarks and the streaming test: `write_mt940`.

One statement per `per_statement` entries, each balanced (opening + entries = closing, the
next opening at the last closing), in an ABN AMRO-like layout: CRLF lines, the :61: with
an entry date and a bank reference, then an :86: in one of the three ways the parser reads
(/KEY/ fields over several lines, ?-coded GVC fields, free text). The same arguments always
write the same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from tests.bench.camt_file import iban

_LINES_PER_WRITE = 2000


@dataclass(frozen=True)
class Mt940File:
    path: Path
    entries: int
    statements: int
    opening: Decimal  # of the first statement
    closing: Decimal  # of the last
    size: int  # bytes


def _amount(value: Decimal) -> str:
    return f"{abs(value):.2f}".replace(".", ",")


def _balance(tag: str, value: Decimal, on: date) -> str:
    return f":{tag}:{'C' if value >= 0 else 'D'}{on:%y%m%d}EUR{_amount(value)}"


def _wrapped(text: str) -> list[str]:
    return [text[i : i + 65] for i in range(0, len(text), 65)]


def _information(rng: random.Random, number: int) -> list[str]:
    counterparty = iban("NL", "RABO", rng.randrange(10**9))
    style = number % 3
    if style == 0:
        text = (
            f"/TRTP/SEPA OVERBOEKING/IBAN/{counterparty}/BIC/RABONL2U/NAME/Customer {number}"
            f"/REMI/Invoice {number:08d} and a longer remittance text/EREF/E2E-{number}"
        )
    elif style == 1:
        text = (
            f"166?00SEPA-GUTSCHRIFT?100599?20EREF+E2E-{number}?21SVWZ+Rechnung {number}"
            f"?30RABONL2UXXX?31{counterparty}?32Kunde {number}"
        )
    else:
        return [f"BEA   NR:XXX{number % 10000:04d}   PAYMENT AT SHOP {number}", "SECOND LINE OF FREE TEXT"]
    first, *rest = _wrapped(text)
    return [first, *rest]


def write_mt940(path: Path, entries: int, *, per_statement: int = 100_000, seed: int = 940) -> Mt940File:
    rng = random.Random(seed)
    account = iban("NL", "ABNA", 417164300)
    day = date(2025, 1, 1)
    balance = opening = Decimal("1000.00")
    statements = 0
    written = 0
    buffer: list[str] = []
    with path.open("w", encoding="ascii", newline="\r\n") as out:
        while written < entries:
            statements += 1
            count = min(per_statement, entries - written)
            buffer += [f":20:STMT{statements:06d}", f":25:ABNANL2A/{account}", f":28C:{statements}/1"]
            buffer.append(_balance("60F", balance, day))
            for _ in range(count):
                written += 1
                amount = Decimal(rng.randrange(1, 500_000)) / 100
                if rng.random() < 0.4:
                    amount = -amount
                balance += amount
                booked = day + timedelta(days=rng.randrange(2))
                mark = "C" if amount > 0 else "D"
                buffer.append(f":61:{day:%y%m%d}{booked:%m%d}{mark}{_amount(amount)}NTRFREF{written}//B{written:015d}")
                first, *rest = _information(rng, written)
                buffer += [f":86:{first}", *rest]
                if len(buffer) >= _LINES_PER_WRITE:
                    out.write("\n".join(buffer) + "\n")
                    buffer = []
            buffer += [_balance("62F", balance, day), "-"]
            day += timedelta(days=1)
        out.write("\n".join(buffer) + "\n")
    return Mt940File(path, entries, statements, opening, balance, path.stat().st_size)
