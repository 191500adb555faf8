"""ISO 20022 camt.053 (bank to customer statement), any version `camt.053.001.NN`, read as a
stream of `statement.py` pieces.

The file is parsed by `safe_xml` (no DTD, no entity, nothing fetched) with
`lxml.etree.iterparse`; each `Ntry` is read when it ends, then cleared with what came
before it, so a 100,000-entry file takes the memory of one entry. A statement's head
(account, balances) is read when its first `Ntry` ends (all before it is complete then),
or at the statement's end when it has none. `raw` is the Ntry serialized by lxml: its
content as in the file, without the whitespace between elements or any comment.

Choices, where the standard or other parsers leave room:

- Sign: from `CdtDbtInd` alone, CRDT positive, DBIT negative, `RvslInd` or not. The
  standard says so (a reversal's CdtDbtInd is the direction of the reversing booking:
  CRDT with RvslInd means the original was a debit, so money came back) and OCA's parser
  does the same; `statement.py`'s "a reversed debit is positive" is that CRDT entry.
- Only booked entries (`Sts` BOOK, or `Sts/Cd` BOOK from version 08) become `Entry`
  pieces; the others (PDNG, INFO, FUTR) are counted in `StatementEnd.not_booked`. An
  entry without `Sts`, which the schema does not allow, is taken as booked: it is on a
  statement of booked entries.
- Booking date: `BookgDt/Dt`, or the date of `BookgDt/DtTm` as the bank wrote it (not
  moved to UTC); a booked entry without BookgDt takes its value date, and is refused
  with neither.
- Batches: an entry whose details hold a `Btch`, or more than one `TxDtls`, becomes one
  `Entry` per TxDtls (`batch_index` 1..n), each with its own amount (`TxDtls/Amt`, else
  `AmtDtls/TxAmt/Amt`) and sign (its `CdtDbtInd`, else the entry's); they must add up to
  the entry's amount, in its currency, or the file is refused. A single TxDtls outside a
  batch only adds its details: the amount is the entry's (some banks put the original
  currency's amount there). A batch without TxDtls is one Entry.
- A transaction's own `AcctSvcrRef` and `BkTxCd` win over the entry's.
- The counterparty is the debtor of a credit and the creditor of a debit (RltdPties
  `Dbtr`/`Cdtr`, or `Dbtr/Pty` from version 08), its account IBAN else `Othr/Id`, its
  BIC from RltdAgts (`BIC` or `BICFI`).
- Description: the remittance (`Ustrd` lines joined by a space, else the structured
  creditor references), else `AddtlTxInf`, else `AddtlNtryInf`, else the bank code.
  `details` keeps NtryRef, Btch/PmtInfId, Refs/InstrId, TxId and MndtId, the return
  reason (RtrInf/Rsn) and whichever of AddtlTxInf and AddtlNtryInf is not the description.
- The account owner is `Acct/Ownr/Nm`, else the account's name `Acct/Nm`.
- Balances are not checked against the entries (the console does that: some banks'
  files do not add up and must still be read). Only the `urn:iso:std:iso:20022:tech:xsd:`
  namespaces are accepted, not the older `ISO:camt.053` spelling.

A refusal names the line and the element: `line 42, Stmt[1]/Ntry[3]/Amt: not an amount: '12,5'`.
Pieces yielded before a refusal were read correctly; the console refuses the file whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import BinaryIO, NamedTuple

from lxml import etree

from integrations.bank.safe_xml import SafeXml
from integrations.bank.statement import Balance, Entry, FileRefused, Piece, StatementEnd, StatementHead

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.[0-9]{2}\Z")
# ISO 20022's amounts: at most 18 digits, 5 of them after the point, never negative (the sign is CdtDbtInd).
_AMOUNT = re.compile(r"(?!(?:[0-9]\.?){19})[0-9]+(?:\.[0-9]{1,5})?\Z")
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
_ZONE = r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})" + _ZONE + r"\Z")
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?" + _ZONE + r"\Z"
)
_SIGN = {"CRDT": 1, "DBIT": -1}
_TRUE = frozenset({"true", "1"})


# What is read of an entry, a transaction, an account, a date: the paths of local names
# below the element. Whatever else a Ntry holds (addresses, charges, the other party of a
# transaction, supplementary data) stays in `raw` and is not walked: speed is in what is
# not looked at.
_BANK_CODE = ("BkTxCd/Domn/Cd", "BkTxCd/Domn/Fmly/Cd", "BkTxCd/Domn/Fmly/SubFmlyCd", "BkTxCd/Prtry/Cd")
_OF_ENTRY = (
    *("Amt", "CdtDbtInd", "RvslInd", "Sts", "BookgDt", "ValDt"),
    *(
        "AcctSvcrRef",
        "AddtlNtryInf",
        "NtryRef",
        "NtryDtls",
        "NtryDtls/Btch",
        "NtryDtls/Btch/PmtInfId",
        "NtryDtls/TxDtls",
        *_BANK_CODE,
    ),
)
_OF_TRANSACTION = (
    *("RmtInf", "AddtlTxInf", "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry", *_BANK_CODE),
    *("Refs/AcctSvcrRef", "Refs/EndToEndId", "Refs/InstrId", "Refs/TxId", "Refs/MndtId"),
)
# A transaction of a batch has its own amount and may have its own direction.
_OF_BATCHED = ("Amt", "AmtDtls/TxAmt/Amt", "CdtDbtInd")


def _of_party(party: str) -> tuple[str, str, str, str, str, str]:
    return (
        *(f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm"),
        *(f"RltdPties/{party}Acct/Id/IBAN", f"RltdPties/{party}Acct/Id/Othr/Id"),
        *(f"RltdAgts/{party}Agt/FinInstnId/BIC", f"RltdAgts/{party}Agt/FinInstnId/BICFI"),
    )


# The counterparty of money in is the debtor; of money out, the creditor.
_CREDIT_KEYS = _of_party("Dbtr")
_DEBIT_KEYS = _of_party("Cdtr")
_OF_CREDIT = (*_OF_TRANSACTION, *_CREDIT_KEYS)
_OF_DEBIT = (*_OF_TRANSACTION, *_DEBIT_KEYS)
_DETAIL_KEYS = ("Refs/InstrId", "Refs/TxId", "Refs/MndtId")
_OF_STATEMENT = (
    *("Id", "ElctrncSeqNb", "LglSeqNb", "CreDtTm", "Acct/Id/IBAN", "Acct/Id/Othr/Id", "Acct/Ccy", "Acct/Nm"),
    *("Acct/Ownr/Nm", "Acct/Svcr/FinInstnId/BIC", "Acct/Svcr/FinInstnId/BICFI"),
)
_OF_BALANCE = ("Tp/CdOrPrtry/Cd", "Amt", "CdtDbtInd", "Dt")

_Fields = dict[str, etree._Element]
# A tag as lxml writes it -> (the path recorded for it, or None; the vocabulary of its
# children when it is entered, or None).
_Vocabulary = dict[str, tuple[str | None, "_Vocabulary | None"]]


def _vocabulary(prefix: str, paths: tuple[str, ...]) -> _Vocabulary:
    top: _Vocabulary = {}
    for path in paths:
        level = top
        names = path.split("/")
        for depth, name in enumerate(names, 1):
            recorded, inner = level.get(prefix + name, (None, None))
            if depth == len(names):
                level[prefix + name] = (path, inner)
            else:
                inner = {} if inner is None else inner
                level[prefix + name] = (recorded, inner)
                level = inner
    return top


def _is(element: etree._Element | None, tag: str) -> bool:
    return element is not None and element.tag == tag


def _walk(element: etree._Element, vocabulary: _Vocabulary, into: _Fields) -> _Fields:
    """The elements under `element` that `vocabulary` names, by their paths (the first
    where one repeats)."""
    for child in element:
        known = vocabulary.get(child.tag)
        if known is not None:
            path, inner = known
            if path is not None and path not in into:
                into[path] = child
            if inner is not None:
                _walk(child, inner, into)
    return into


class _Booked(NamedTuple):
    """What every Entry of one Ntry shares."""

    booking_date: date
    value_date: date | None
    currency: str
    reversal: bool
    raw: str
    reference: str
    code: str
    info: str
    details: list[tuple[str, str]]


def read(stream: BinaryIO) -> Iterator[Piece]:
    """The pieces of a camt.053 file: per statement a head, its booked entries, an end.
    Raises FileRefused (while iterating) for anything else or anything malformed."""
    xml = SafeXml(stream)
    namespace, _, name = xml.root_tag[1:].partition("}") if xml.root_tag.startswith("{") else ("", "", xml.root_tag)
    if name != "Document":
        raise FileRefused("", f"not a camt.053 statement: the root element is {xml.root_tag!r}, not Document")
    if not _NAMESPACE.match(namespace):
        found = f"is {namespace!r}" if namespace else "is missing"
        raise FileRefused("", f"not a camt.053 statement: the document's namespace {found}")
    yield from _Reader(namespace).pieces(xml)


def _text(element: etree._Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return element.text.strip()


def _at(element: etree._Element, path: str) -> str:
    return f"line {element.sourceline}, {path}"


def _parse_date_time(text: str) -> date | None:
    """The date of an ISO date and time, as written (the bank's day, not UTC's)."""
    found = _DATE_TIME.match(text)
    if found is None:
        return None
    hour, minute, second = int(found.group(4)), int(found.group(5)), int(found.group(6))
    if hour > 24 or minute > 59 or second > 60:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


class _Reader:
    def __init__(self, namespace: str) -> None:
        self.prefix = p = "{" + namespace + "}"
        self.tag_stmt, self.tag_ntry, self.tag_bal = p + "Stmt", p + "Ntry", p + "Bal"
        self.tag_details, self.tag_tx, self.tag_batch = p + "NtryDtls", p + "TxDtls", p + "Btch"
        self.tag_ustrd, self.tag_strd, self.tag_sign = p + "Ustrd", p + "Strd", p + "CdtDbtInd"
        self.tag_date, self.tag_date_time, self.tag_code = p + "Dt", p + "DtTm", p + "Cd"
        self.path_ref = f"{p}CdtrRefInf/{p}Ref"
        self.of_entry = _vocabulary(p, _OF_ENTRY)
        self.of_credit = _vocabulary(p, _OF_CREDIT)
        self.of_debit = _vocabulary(p, _OF_DEBIT)
        self.of_batched_credit = _vocabulary(p, (*_OF_BATCHED, *_OF_CREDIT))
        self.of_batched_debit = _vocabulary(p, (*_OF_BATCHED, *_OF_DEBIT))
        self.of_statement = _vocabulary(p, _OF_STATEMENT)
        self.of_balance = _vocabulary(p, _OF_BALANCE)
        self.group_created = ""
        self.stmt_number = 0
        self.ntry_number = 0
        self.not_booked = 0
        self.available: Balance | None = None

    def pieces(self, xml: SafeXml) -> Iterator[Piece]:
        # End events only: a statement's head is read when its first Ntry has ended (all
        # before it is there), or when it ends without any.
        stmt: etree._Element | None = None
        tag_ntry, tag_stmt = self.tag_ntry, self.tag_stmt
        for _event, element in xml.events((tag_stmt, tag_ntry), ("end",)):
            if element.tag == tag_ntry:
                parent = element.getparent()
                if parent is None or (parent is not stmt and parent.tag != tag_stmt):
                    continue
                if parent is not stmt:
                    stmt = parent
                    yield self._begin(parent)
                self.ntry_number += 1
                yield from self._entries(element)
                # What is read is dropped, the Ntry and all before it: memory stays flat.
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
            else:
                if element is not stmt:
                    yield self._begin(element)
                yield StatementEnd(
                    available=self.available, where=f"Stmt[{self.stmt_number}]", not_booked=self.not_booked
                )
                document = element.getparent()
                element.clear()
                if document is not None:
                    while element.getprevious() is not None:
                        del document[0]
                stmt = None
        if self.stmt_number == 0:
            raise FileRefused("", "the document holds no statement (no BkToCstmrStmt/Stmt)")

    def _begin(self, stmt: etree._Element) -> StatementHead:
        self.stmt_number += 1
        self.ntry_number = 0
        self.not_booked = 0
        return self._head(stmt)

    # -- reading elements -----------------------------------------------------------------

    @staticmethod
    def _amount(element: etree._Element | None, parent: etree._Element, where: str, name: str) -> tuple[Decimal, str]:
        """The amount and currency of `element` (named `name` under `where`, for a refusal)."""
        if element is None:
            raise FileRefused(_at(parent, f"{where}/{name}"), "no amount")
        text = _text(element)
        currency = element.get("Ccy")
        if _AMOUNT.match(text) and currency is not None and _CURRENCY.match(currency):
            return Decimal(text), currency
        if not _AMOUNT.match(text):
            raise FileRefused(_at(element, f"{where}/{name}"), f"not an amount: {text!r}")
        if currency is None:
            raise FileRefused(_at(element, f"{where}/{name}"), "the amount has no Ccy")
        raise FileRefused(_at(element, f"{where}/{name}"), f"Ccy is not a currency code: {currency!r}")

    @staticmethod
    def _sign(element: etree._Element | None, parent: etree._Element, where: str) -> int:
        if element is None:
            raise FileRefused(_at(parent, where), "no CdtDbtInd")
        sign = _SIGN.get(_text(element))
        if sign is None:
            text = _text(element)
            raise FileRefused(_at(element, f"{where}/CdtDbtInd"), f"CdtDbtInd is neither CRDT nor DBIT: {text!r}")
        return sign

    def _date(self, fields: _Fields, holder: str, where: str) -> date | None:
        """The date of `holder` (`Dt`, or the day of `DtTm`); None when there is no holder."""
        element = fields.get(holder)
        if element is None:
            return None
        # The holder is a choice of one element: no need to walk it.
        choice = element[0] if len(element) else None
        if choice is not None and choice.tag == self.tag_date:
            text = _text(choice)
            if _DATE.match(text):
                try:
                    return date.fromisoformat(text[:10])
                except ValueError:
                    pass
            raise FileRefused(_at(choice, f"{where}/{holder}/Dt"), f"not a date: {text!r}")
        if choice is not None and choice.tag == self.tag_date_time:
            text = _text(choice)
            found = _parse_date_time(text)
            if found is None:
                raise FileRefused(_at(choice, f"{where}/{holder}/DtTm"), f"not a date and time: {text!r}")
            return found
        raise FileRefused(_at(element, f"{where}/{holder}"), "neither Dt nor DtTm")

    @staticmethod
    def _bank_code(fields: _Fields) -> str:
        domain = fields.get("BkTxCd/Domn/Cd")
        if domain is not None:
            parts = (
                _text(domain),
                _text(fields.get("BkTxCd/Domn/Fmly/Cd")),
                _text(fields.get("BkTxCd/Domn/Fmly/SubFmlyCd")),
            )
            return "/".join(part for part in parts if part)
        return _text(fields.get("BkTxCd/Prtry/Cd"))

    # -- the statement's head ------------------------------------------------------------

    def _head(self, stmt: etree._Element) -> StatementHead:
        where = f"Stmt[{self.stmt_number}]"
        fields = _walk(stmt, self.of_statement, {})
        balances = [
            self._balance(bal, f"{where}/Bal[{number}]")
            for number, bal in enumerate(stmt.iterchildren(self.tag_bal), 1)
        ]
        account = _text(fields.get("Acct/Id/IBAN")) or _text(fields.get("Acct/Id/Othr/Id"))
        if not account:
            raise FileRefused(_at(stmt, where), "no account (Acct/Id/IBAN or Acct/Id/Othr/Id)")
        currency = _text(fields.get("Acct/Ccy"))
        if currency and not _CURRENCY.match(currency):
            raise FileRefused(_at(fields["Acct/Ccy"], f"{where}/Acct/Ccy"), f"not a currency code: {currency!r}")
        if not currency and balances:
            currency = balances[0][1].currency
        if not currency:
            raise FileRefused(_at(stmt, where), "no currency: neither Acct/Ccy nor a balance")
        created = fields.get("CreDtTm")
        if created is None:
            created_at = self._group_created(stmt)
        else:
            created_at = _text(created)
            if _DATE_TIME.match(created_at) is None:
                raise FileRefused(_at(created, f"{where}/CreDtTm"), f"not a date and time: {created_at!r}")
        by_code: dict[str, Balance] = {}
        for code, balance in balances:
            by_code.setdefault(code, balance)
        self.available = by_code.get("CLAV")
        return StatementHead(
            account=account,
            currency=currency,
            statement_id=_text(fields.get("Id")),
            sequence=_text(fields.get("ElctrncSeqNb")) or _text(fields.get("LglSeqNb")),
            created_at=created_at,
            opening=by_code.get("OPBD") or by_code.get("PRCD"),
            closing=by_code.get("CLBD"),
            where=where,
            bic=_text(fields.get("Acct/Svcr/FinInstnId/BIC")) or _text(fields.get("Acct/Svcr/FinInstnId/BICFI")),
            account_owner=_text(fields.get("Acct/Ownr/Nm")) or _text(fields.get("Acct/Nm")),
        )

    def _group_created(self, stmt: etree._Element) -> str:
        """GrpHdr/CreDtTm, for a statement without its own (read once: GrpHdr is dropped
        with the first statement)."""
        if not self.group_created:
            group = stmt.getprevious()
            while group is not None and group.tag != self.prefix + "GrpHdr":
                group = group.getprevious()
            if group is not None:
                self.group_created = _text(group.find(self.prefix + "CreDtTm"))
        return self.group_created

    def _balance(self, bal: etree._Element, where: str) -> tuple[str, Balance]:
        fields = _walk(bal, self.of_balance, {})
        amount, currency = self._amount(fields.get("Amt"), bal, where, "Amt")
        sign = self._sign(fields.get("CdtDbtInd"), bal, where)
        on = self._date(fields, "Dt", where)
        if on is None:
            raise FileRefused(_at(bal, where), "the balance has no date (Dt/Dt or Dt/DtTm)")
        return _text(fields.get("Tp/CdOrPrtry/Cd")), Balance(amount=sign * amount, currency=currency, date=on)

    # -- entries --------------------------------------------------------------------------

    def _status(self, status: etree._Element) -> str:
        """`Sts/Cd` from version 08 on, `Sts` before."""
        code = status[0] if len(status) else None
        return _text(code) if code is not None and code.tag == self.tag_code else _text(status)

    def _entries(self, ntry: etree._Element) -> list[Entry]:
        where = f"Stmt[{self.stmt_number}]/Ntry[{self.ntry_number}]"
        fields = _walk(ntry, self.of_entry, {})
        status = fields.get("Sts")
        if status is not None and _text(status) != "BOOK" and self._status(status) != "BOOK":
            self.not_booked += 1
            return []
        amount, currency = self._amount(fields.get("Amt"), ntry, where, "Amt")
        sign = self._sign(fields.get("CdtDbtInd"), ntry, where)
        value_date = self._date(fields, "ValDt", where)
        booking_date = self._date(fields, "BookgDt", where) or value_date
        if booking_date is None:
            raise FileRefused(_at(ntry, where), "a booked entry with neither BookgDt nor ValDt")
        details = []
        reference = _text(fields.get("NtryRef"))
        if reference:
            details.append(("NtryRef", reference))
        batch = fields.get("NtryDtls/Btch")
        if batch is not None:
            batch_id = _text(fields.get("NtryDtls/Btch/PmtInfId"))
            if batch_id:
                details.append(("Btch/PmtInfId", batch_id))
        booked = _Booked(
            booking_date,
            value_date,
            currency,
            _text(fields.get("RvslInd")).lower() in _TRUE,
            etree.tostring(ntry, encoding="unicode", with_tail=False),
            _text(fields.get("AcctSvcrRef")),
            self._bank_code(fields),
            _text(fields.get("AddtlNtryInf")),
            details,
        )
        first = fields.get("NtryDtls/TxDtls")
        group = fields.get("NtryDtls")
        if group is not None and _is(group.getnext(), self.tag_details):
            # Several NtryDtls: rare, read in full.
            groups = list(ntry.iterchildren(self.tag_details))
            batched = any(group.find(self.tag_batch) is not None for group in groups)
            transactions = [tx for group in groups for tx in group.iterchildren(self.tag_tx)]
            first = transactions[0] if transactions else None
            batched = batched or len(transactions) > 1
        else:
            groups = [] if group is None else [group]
            batched = batch is not None or (first is not None and _is(first.getnext(), self.tag_tx))
        if first is None:
            return [self._plain(sign * amount, where, booked)]
        if not batched:
            tx_fields = _walk(first, self.of_credit if sign > 0 else self.of_debit, {})
            return [self._transaction(tx_fields, sign * amount, sign, where, booked, 0)]
        return self._batch(groups, sign * amount, sign, where, booked)

    def _batch(
        self, groups: list[etree._Element], amount: Decimal, sign: int, where: str, booked: _Booked
    ) -> list[Entry]:
        entries = []
        total = Decimal(0)
        currency = booked.currency
        numbered = len(groups) > 1
        index = 0
        for number, group in enumerate(groups, 1):
            for position, tx in enumerate(group.iterchildren(self.tag_tx), 1):
                index += 1
                tx_where = f"{where}/NtryDtls{f'[{number}]' if numbered else ''}/TxDtls[{position}]"
                sign_element = tx.find(self.tag_sign)
                tx_sign = sign if sign_element is None else self._sign(sign_element, tx, tx_where)
                fields = _walk(tx, self.of_batched_credit if tx_sign > 0 else self.of_batched_debit, {})
                found, name = fields.get("Amt"), "Amt"
                if found is None:
                    found, name = fields.get("AmtDtls/TxAmt/Amt"), "AmtDtls/TxAmt/Amt"
                if found is None:
                    raise FileRefused(_at(tx, tx_where), "a transaction of a batch with no Amt nor AmtDtls/TxAmt/Amt")
                tx_amount, tx_currency = self._amount(found, tx, tx_where, name)
                if tx_currency != currency:
                    raise FileRefused(
                        _at(found, f"{tx_where}/{name}"),
                        f"the transaction is in {tx_currency}, its entry in {currency}",
                    )
                total += tx_sign * tx_amount
                entries.append(self._transaction(fields, tx_sign * tx_amount, tx_sign, tx_where, booked, index))
        if total != amount:
            raise FileRefused(
                f"line {groups[0].getparent().sourceline}, {where}",  # type: ignore[union-attr]
                f"the entry's {index} transactions add up to {total} {currency}, the entry to {amount} {currency}",
            )
        return entries

    @staticmethod
    def _plain(amount: Decimal, where: str, booked: _Booked) -> Entry:
        """An entry without transaction details."""
        return Entry(
            booking_date=booked.booking_date,
            value_date=booked.value_date,
            amount=amount,
            currency=booked.currency,
            description=booked.info or booked.code,
            bank_reference=booked.reference,
            bank_code=booked.code,
            reversal=booked.reversal,
            details=tuple(booked.details),
            raw=booked.raw,
            where=where,
        )

    def _transaction(
        self, fields: _Fields, amount: Decimal, sign: int, where: str, booked: _Booked, batch_index: int
    ) -> Entry:
        get = fields.get
        name, name_in_party, iban, other_id, bic, bicfi = _CREDIT_KEYS if sign > 0 else _DEBIT_KEYS
        end_to_end = _text(get("Refs/EndToEndId"))
        if end_to_end == "NOTPROVIDED":
            end_to_end = ""
        remittance = self._remittance(get("RmtInf"))
        tx_info = _text(get("AddtlTxInf"))
        code = self._bank_code(fields) or booked.code
        description = remittance or tx_info or booked.info or code
        details = list(booked.details)
        for key in _DETAIL_KEYS:
            value = _text(get(key))
            if value:
                details.append((key, value))
        reason = get("RtrInf/Rsn/Cd")
        if reason is None:
            reason = get("RtrInf/Rsn/Prtry")
        if reason is not None:
            details.append(("RtrInf/Rsn", _text(reason)))
        if tx_info and tx_info != description:
            details.append(("AddtlTxInf", tx_info))
        if booked.info and booked.info != description:
            details.append(("AddtlNtryInf", booked.info))
        return Entry(
            booking_date=booked.booking_date,
            value_date=booked.value_date,
            amount=amount,
            currency=booked.currency,
            description=description,
            counterparty_name=_text(get(name)) or _text(get(name_in_party)),
            counterparty_account=_text(get(iban)) or _text(get(other_id)),
            counterparty_bic=_text(get(bic)) or _text(get(bicfi)),
            bank_reference=_text(get("Refs/AcctSvcrRef")) or booked.reference,
            end_to_end_id=end_to_end,
            remittance=remittance,
            bank_code=code,
            reversal=booked.reversal,
            batch_index=batch_index,
            details=tuple(details),
            raw=booked.raw,
            where=where,
        )

    def _remittance(self, rmt: etree._Element | None) -> str:
        if rmt is None:
            return ""
        lines = [_text(line) for line in rmt.iterchildren(self.tag_ustrd)]
        text = " ".join(line for line in lines if line)
        if text:
            return text
        refs = [_text(ref) for strd in rmt.iterchildren(self.tag_strd) for ref in strd.iterfind(self.path_ref)]
        return " ".join(ref for ref in refs if ref)
