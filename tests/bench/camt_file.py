"""camt.053 files of any size, for benchmarks and the streaming test: `write_camt053`.

The file is valid against the version's layout and balanced (the opening balance plus
the entries is the closing balance, for each statement). Every entry is a typical SEPA
one: references, the counterparty's name, IBAN and BIC, remittance text, and the
debtor's or creditor's postal address the parser does not read. The same arguments
always write the same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

_LINES_PER_WRITE = 2000
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class CamtFile:
    path: Path
    entries: int  # Ntry elements
    transactions: int  # Entry pieces a parser yields: a batched Ntry counts its TxDtls
    statements: int
    opening: Decimal  # of the first statement
    closing: Decimal  # of the last
    size: int  # bytes


def iban(country: str, bank: str, number: int) -> str:
    """A valid IBAN (ISO 13616 check digits) for a made-up account."""
    bban = f"{bank}{number:010d}"
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def _ntry(
    i: int, amount: Decimal, credit: bool, booked: date, version: int, batch: list[Decimal], currency: str
) -> str:
    bic_tag = "BIC" if version < 4 else "BICFI"
    status = "<Sts>BOOK</Sts>" if version < 8 else "<Sts><Cd>BOOK</Cd></Sts>"
    party, agent = ("Dbtr", "DbtrAgt") if credit else ("Cdtr", "CdtrAgt")
    family = ("RCDT", "ESCT") if credit else ("ICDT", "ESCT")
    transactions = batch or [amount]

    def name(n: int) -> str:
        nm = f"<Nm>{'Customer' if credit else 'Supplier'} {n % 997} GmbH</Nm>"
        return f"<Pty>{nm}</Pty>" if version >= 8 else nm

    details = []
    for t, tx_amount in enumerate(transactions, 1):
        n = i * 7 + t
        tx_amt = f'<Amt Ccy="{currency}">{tx_amount}</Amt>' if version >= 4 else ""
        details.append(
            f"""
          <TxDtls>
            <Refs>
              <AcctSvcrRef>TX{i:08d}{t:03d}</AcctSvcrRef>
              <EndToEndId>E2E-{i}-{t}</EndToEndId>
              <TxId>T{n:012d}</TxId>
            </Refs>
            {tx_amt}
            <AmtDtls>
              <TxAmt>
                <Amt Ccy="{currency}">{tx_amount}</Amt>
              </TxAmt>
            </AmtDtls>
            <RltdPties>
              <{party}>
                {name(n)}
                <PstlAdr>
                  <StrtNm>Hauptstrasse</StrtNm>
                  <BldgNb>{n % 200 + 1}</BldgNb>
                  <PstCd>{10000 + n % 89999}</PstCd>
                  <TwnNm>Berlin</TwnNm>
                  <Ctry>DE</Ctry>
                </PstlAdr>
              </{party}>
              <{party}Acct>
                <Id>
                  <IBAN>{iban("DE", "37040044", n)}</IBAN>
                </Id>
              </{party}Acct>
            </RltdPties>
            <RltdAgts>
              <{agent}>
                <FinInstnId>
                  <{bic_tag}>COBADEFFXXX</{bic_tag}>
                </FinInstnId>
              </{agent}>
            </RltdAgts>
            <RmtInf>
              <Ustrd>Invoice INV-{2025000000 + n} order {n % 100003}</Ustrd>
            </RmtInf>
          </TxDtls>"""
        )
    btch = (
        f"""
          <Btch>
            <PmtInfId>BATCH-{i}</PmtInfId>
            <NbOfTxs>{len(batch)}</NbOfTxs>
          </Btch>"""
        if batch
        else ""
    )
    return f"""
      <Ntry>
        <NtryRef>{i}</NtryRef>
        <Amt Ccy="{currency}">{amount}</Amt>
        <CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>
        {status}
        <BookgDt>
          <Dt>{booked.isoformat()}</Dt>
        </BookgDt>
        <ValDt>
          <Dt>{booked.isoformat()}</Dt>
        </ValDt>
        <AcctSvcrRef>BANK{i:012d}</AcctSvcrRef>
        <BkTxCd>
          <Domn>
            <Cd>PMNT</Cd>
            <Fmly>
              <Cd>{family[0]}</Cd>
              <SubFmlyCd>{family[1]}</SubFmlyCd>
            </Fmly>
          </Domn>
        </BkTxCd>
        <NtryDtls>{btch}{"".join(details)}
        </NtryDtls>
        <AddtlNtryInf>SEPA {"credit" if credit else "debit"} transfer</AddtlNtryInf>
      </Ntry>"""


def _balance(code: str, amount: Decimal, on: date, currency: str) -> str:
    return f"""
      <Bal>
        <Tp>
          <CdOrPrtry>
            <Cd>{code}</Cd>
          </CdOrPrtry>
        </Tp>
        <Amt Ccy="{currency}">{abs(amount)}</Amt>
        <CdtDbtInd>{"CRDT" if amount >= 0 else "DBIT"}</CdtDbtInd>
        <Dt>
          <Dt>{on.isoformat()}</Dt>
        </Dt>
      </Bal>"""


def write_camt053(
    path: Path | str,
    entries: int,
    *,
    statements: int = 1,
    version: int = 2,
    batch_every: int = 0,
    batch_size: int = 3,
    currency: str = "EUR",
    opening: Decimal = Decimal("10000.00"),
    first_day: date = date(2025, 1, 1),
    seed: int = 53,
    account: str = "",
) -> CamtFile:
    """`entries` Ntry over `statements` statements of one account (camt.053.001.0`version`).
    With `batch_every` n > 0, every n-th entry is a batch of `batch_size` transactions."""
    path = Path(path)
    rng = random.Random(seed)
    account = account or iban("DE", "50010517", 5_319_000_000)
    balance = opening
    transactions = 0
    per_statement = [entries // statements + (1 if s < entries % statements else 0) for s in range(statements)]
    with path.open("w", encoding="utf-8") as out:
        out.write(
            f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02d}">
  <BkToCstmrStmt>
    <GrpHdr>
      <MsgId>BENCH-{seed}-{entries}</MsgId>
      <CreDtTm>{first_day.isoformat()}T06:00:00+01:00</CreDtTm>
    </GrpHdr>"""
        )
        number = 0
        for s, count in enumerate(per_statement, 1):
            day = first_day + timedelta(days=s - 1)
            rows: list[tuple[Decimal, bool, list[Decimal]]] = []
            start = balance
            for k in range(count):
                credit = rng.random() < 0.6
                if batch_every and (number + k + 1) % batch_every == 0:
                    batch = [(Decimal(rng.randint(100, 50_000)) / 100).quantize(_CENT) for _ in range(batch_size)]
                    amount = sum(batch, Decimal("0.00"))
                else:
                    batch = []
                    amount = (Decimal(rng.randint(100, 500_000)) / 100).quantize(_CENT)
                rows.append((amount, credit, batch))
                balance += amount if credit else -amount
                transactions += len(batch) or 1
            out.write(
                f"""
    <Stmt>
      <Id>STMT-{day.isoformat()}-{s}</Id>
      <ElctrncSeqNb>{s}</ElctrncSeqNb>
      <CreDtTm>{day.isoformat()}T06:00:00+01:00</CreDtTm>
      <Acct>
        <Id>
          <IBAN>{account}</IBAN>
        </Id>
        <Ccy>{currency}</Ccy>
        <Ownr>
          <Nm>Acme Trading GmbH</Nm>
        </Ownr>
        <Svcr>
          <FinInstnId>
            <{"BIC" if version < 4 else "BICFI"}>BENCDEFFXXX</{"BIC" if version < 4 else "BICFI"}>
          </FinInstnId>
        </Svcr>
      </Acct>"""
                + _balance("OPBD", start, day, currency)
                + _balance("CLBD", balance, day, currency)
            )
            chunk: list[str] = []
            for amount, credit, batch in rows:
                number += 1
                chunk.append(_ntry(number, amount, credit, day, version, batch, currency))
                if len(chunk) >= _LINES_PER_WRITE:
                    out.write("".join(chunk))
                    chunk.clear()
            out.write("".join(chunk))
            out.write("\n    </Stmt>")
        out.write("\n  </BkToCstmrStmt>\n</Document>\n")
    return CamtFile(
        path=path,
        entries=entries,
        transactions=transactions,
        statements=statements,
        opening=opening,
        closing=balance,
        size=path.stat().st_size,
    )
