"""camt053.read on small documents, one rule of the module's docstring at a time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from integrations.bank.statement import Entry, StatementEnd, StatementHead
from tests.unit.integrations.bank.camt_documents import HEAD, document, entries, ntry, one, pieces, statements, stmt

TX_CREDIT = """<TxDtls>
  <Refs><AcctSvcrRef>TXREF-1</AcctSvcrRef><EndToEndId>E2E-1</EndToEndId><InstrId>I-1</InstrId></Refs>
  <RltdPties>
    <Dbtr><Nm>Payer Ltd</Nm><PstlAdr><Ctry>DE</Ctry></PstlAdr></Dbtr>
    <DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct>
    <Cdtr><Nm>Us GmbH</Nm></Cdtr>
    <CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct>
  </RltdPties>
  <RltdAgts><DbtrAgt><FinInstnId><BIC>BYLADEM1001</BIC></FinInstnId></DbtrAgt>
    <CdtrAgt><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></CdtrAgt></RltdAgts>
  <RmtInf><Ustrd>Invoice 42</Ustrd><Ustrd>and 43</Ustrd></RmtInf>
</TxDtls>"""


@pytest.mark.parametrize("version", ["02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"])
def test_every_version_of_camt053_is_read(version: str) -> None:
    (entry,) = entries(one(ntry("5.00"), version=version))

    assert entry.amount == Decimal("5.00")


def test_a_statement_is_a_head_its_entries_and_an_end_in_that_order() -> None:
    found = pieces(one(ntry("1.00"), ntry("2.00", "DBIT")))

    assert [type(piece) for piece in found] == [StatementHead, Entry, Entry, StatementEnd]
    head, first, second, end = found
    assert isinstance(head, StatementHead) and isinstance(end, StatementEnd)
    assert (head.where, end.where) == ("Stmt[1]", "Stmt[1]")
    assert isinstance(first, Entry) and isinstance(second, Entry)
    assert (first.amount, first.where, second.amount, second.where) == (
        Decimal("1.00"),
        "Stmt[1]/Ntry[1]",
        Decimal("-2.00"),
        "Stmt[1]/Ntry[2]",
    )


def test_several_statements_in_one_message_each_get_their_own_head_entries_and_paths() -> None:
    other = HEAD.replace("STMT-1", "STMT-2").replace("<ElctrncSeqNb>7", "<ElctrncSeqNb>8")
    found = statements(document(stmt(ntry("1.00")), stmt(ntry("2.00"), ntry("3.00"), head=other)))

    assert [statement.head.statement_id for statement in found] == ["STMT-1", "STMT-2"]
    assert [statement.head.sequence for statement in found] == ["7", "8"]
    assert [[entry.where for entry in statement.entries] for statement in found] == [
        ["Stmt[1]/Ntry[1]"],
        ["Stmt[2]/Ntry[1]", "Stmt[2]/Ntry[2]"],
    ]


def test_amounts_are_the_decimal_written_credit_positive_debit_negative() -> None:
    found = entries(one(ntry("0.1"), ntry("1234567890123.12345", "DBIT"), ntry("7")))

    assert [entry.amount for entry in found] == [Decimal("0.1"), Decimal("-1234567890123.12345"), Decimal("7")]
    assert str(found[1].amount) == "-1234567890123.12345"


@pytest.mark.parametrize(
    ("status", "booked"),
    [
        ("<Sts>BOOK</Sts>", True),
        ("<Sts><Cd>BOOK</Cd></Sts>", True),
        ("<Sts>PDNG</Sts>", False),
        ("<Sts><Cd>PDNG</Cd></Sts>", False),
        ("<Sts>INFO</Sts>", False),
        ("<Sts><Cd>INFO</Cd></Sts>", False),
    ],
)
def test_only_booked_entries_are_yielded_both_ways_of_writing_the_status(status: str, booked: bool) -> None:
    (statement,) = statements(one(ntry("1.00", status=status), ntry("2.00")))

    assert [entry.amount for entry in statement.entries] == ([Decimal("1.00")] if booked else []) + [Decimal("2.00")]
    assert statement.end.not_booked == (0 if booked else 1)
    # The entries keep their place in the file: the booked one after a pending one is Ntry[2].
    assert statement.entries[-1].where == "Stmt[1]/Ntry[2]"


def test_not_booked_entries_are_counted_per_statement() -> None:
    pending = ntry("1.00", status="<Sts>PDNG</Sts>")
    found = statements(document(stmt(pending, pending, ntry("3.00")), stmt(pending)))

    assert [statement.end.not_booked for statement in found] == [2, 1]
    assert [len(statement.entries) for statement in found] == [1, 0]


@pytest.mark.parametrize(
    ("booking", "value", "expected"),
    [
        ("<BookgDt><Dt>2025-03-01</Dt></BookgDt>", "<ValDt><Dt>2025-03-02</Dt></ValDt>", (1, 2)),
        (
            "<BookgDt><DtTm>2025-03-01T23:30:00+01:00</DtTm></BookgDt>",
            "<ValDt><DtTm>2025-03-02T00:15:00.123456Z</DtTm></ValDt>",
            (1, 2),
        ),
        ("<BookgDt><Dt>2025-03-01+01:00</Dt></BookgDt>", "", (1, None)),
        ("", "<ValDt><Dt>2025-03-02</Dt></ValDt>", (2, 2)),
    ],
)
def test_dates_from_dt_or_from_the_day_a_dttm_names_booking_falling_back_to_value(
    booking: str, value: str, expected: tuple[int, int | None]
) -> None:
    (entry,) = entries(one(ntry(booking=booking, value=value)))

    booked, valued = expected
    assert entry.booking_date == date(2025, 3, booked)
    assert entry.value_date == (None if valued is None else date(2025, 3, valued))


def test_a_credit_names_the_debtor_its_account_and_its_bank() -> None:
    (entry,) = entries(one(ntry("10.00", "CRDT", details=TX_CREDIT)))

    assert (entry.counterparty_name, entry.counterparty_account, entry.counterparty_bic) == (
        "Payer Ltd",
        "DE02120300000000202051",
        "BYLADEM1001",
    )
    assert (entry.end_to_end_id, entry.bank_reference, entry.batch_index) == ("E2E-1", "TXREF-1", 0)
    assert entry.remittance == entry.description == "Invoice 42 and 43"
    assert dict(entry.details)["Refs/InstrId"] == "I-1"


def test_a_debit_names_the_creditor_its_account_and_its_bank() -> None:
    (entry,) = entries(one(ntry("10.00", "DBIT", details=TX_CREDIT)))

    assert entry.amount == Decimal("-10.00")
    assert (entry.counterparty_name, entry.counterparty_account, entry.counterparty_bic) == (
        "Us GmbH",
        "DE89370400440532013000",
        "COBADEFFXXX",
    )


def test_version_08_parties_inside_pty_other_account_ids_and_bicfi() -> None:
    tx = """<TxDtls><RltdPties>
      <Dbtr><Pty><Nm>Party In Pty</Nm></Pty></Dbtr>
      <DbtrAcct><Id><Othr><Id>0532013000</Id></Othr></Id></DbtrAcct>
    </RltdPties><RltdAgts><DbtrAgt><FinInstnId><BICFI>POFICHBEXXX</BICFI></FinInstnId></DbtrAgt></RltdAgts></TxDtls>"""
    (entry,) = entries(one(ntry(status="<Sts><Cd>BOOK</Cd></Sts>", details=tx), version="08"))

    assert (entry.counterparty_name, entry.counterparty_account, entry.counterparty_bic) == (
        "Party In Pty",
        "0532013000",
        "POFICHBEXXX",
    )


def test_a_reversal_is_marked_and_keeps_the_sign_of_its_cdtdbtind() -> None:
    # CRDT with RvslInd: a debit reversed, money coming back (ISO 20022's usage rule).
    back, out, plain = entries(
        one(
            ntry("5.00", "CRDT", before_status="<RvslInd>true</RvslInd>"),
            ntry("6.00", "DBIT", before_status="<RvslInd>true</RvslInd>"),
            ntry("7.00", "CRDT", before_status="<RvslInd>false</RvslInd>"),
        )
    )

    assert (back.amount, back.reversal) == (Decimal("5.00"), True)
    assert (out.amount, out.reversal) == (Decimal("-6.00"), True)
    assert (plain.amount, plain.reversal) == (Decimal("7.00"), False)


def test_a_batch_is_one_entry_per_transaction_each_with_its_amount_sign_and_index() -> None:
    batch = """<Btch><PmtInfId>PMT-9</PmtInfId><NbOfTxs>3</NbOfTxs></Btch>
      <TxDtls><Refs><EndToEndId>A</EndToEndId></Refs><Amt Ccy="EUR">60.00</Amt></TxDtls>
      <TxDtls><Refs><EndToEndId>B</EndToEndId></Refs>
        <AmtDtls><TxAmt><Amt Ccy="EUR">50.00</Amt></TxAmt></AmtDtls></TxDtls>
      <TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="EUR">10.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd></TxDtls>"""
    found = entries(one(ntry("100.00", "CRDT", details=batch, after_details="<AddtlNtryInf>BATCH</AddtlNtryInf>")))

    assert [(e.amount, e.end_to_end_id, e.batch_index) for e in found] == [
        (Decimal("60.00"), "A", 1),
        (Decimal("50.00"), "B", 2),
        (Decimal("-10.00"), "", 3),
    ]
    assert [e.where for e in found] == [f"Stmt[1]/Ntry[1]/NtryDtls/TxDtls[{n}]" for n in (1, 2, 3)]
    assert {dict(e.details)["Btch/PmtInfId"] for e in found} == {"PMT-9"}
    assert {e.description for e in found} == {"BATCH"}  # no remittance: the entry's information
    assert len({e.raw for e in found}) == 1 and found[0].raw.count("<TxDtls>") == 3


def test_several_transactions_without_btch_are_a_batch_too() -> None:
    txs = '<TxDtls><Amt Ccy="EUR">1.50</Amt></TxDtls><TxDtls><Amt Ccy="EUR">2.50</Amt></TxDtls>'
    found = entries(one(ntry("4.00", "DBIT", details=txs)))

    assert [(e.amount, e.batch_index) for e in found] == [(Decimal("-1.50"), 1), (Decimal("-2.50"), 2)]


def test_transactions_in_several_ntrydtls_are_numbered_by_their_group() -> None:
    groups = (
        '<Amt Ccy="EUR">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<BookgDt><Dt>2025-03-01</Dt></BookgDt>"
        '<NtryDtls><TxDtls><Amt Ccy="EUR">1.00</Amt></TxDtls></NtryDtls>'
        '<NtryDtls><TxDtls><Amt Ccy="EUR">2.00</Amt></TxDtls></NtryDtls>'
    )
    found = entries(one(f"<Ntry>{groups}</Ntry>"))

    assert [(e.amount, e.where) for e in found] == [
        (Decimal("1.00"), "Stmt[1]/Ntry[1]/NtryDtls[1]/TxDtls[1]"),
        (Decimal("2.00"), "Stmt[1]/Ntry[1]/NtryDtls[2]/TxDtls[1]"),
    ]


def test_a_batch_summary_without_transactions_is_one_entry() -> None:
    (entry,) = entries(one(ntry("9.00", details="<Btch><NbOfTxs>12</NbOfTxs></Btch>")))

    assert (entry.amount, entry.batch_index, entry.where) == (Decimal("9.00"), 0, "Stmt[1]/Ntry[1]")


def test_the_transaction_reference_and_bank_code_win_over_the_entrys() -> None:
    code = "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>{}</SubFmlyCd></Fmly></Domn></BkTxCd>"
    entry_level = f"<AcctSvcrRef>NTRY-REF</AcctSvcrRef>{code.format('ESCT')}"
    with_own = f"<TxDtls><Refs><AcctSvcrRef>TX-REF</AcctSvcrRef></Refs>{code.format('AUTT')}</TxDtls>"
    without = "<TxDtls><Refs><EndToEndId>X</EndToEndId></Refs></TxDtls>"

    own, inherited, bare = entries(
        one(
            ntry(after_dates=entry_level, details=with_own),
            ntry(after_dates=entry_level, details=without),
            ntry(after_dates=entry_level),
        )
    )

    assert (own.bank_reference, own.bank_code) == ("TX-REF", "PMNT/RCDT/AUTT")
    assert (inherited.bank_reference, inherited.bank_code) == ("NTRY-REF", "PMNT/RCDT/ESCT")
    assert (bare.bank_reference, bare.bank_code) == ("NTRY-REF", "PMNT/RCDT/ESCT")
    assert bare.description == "PMNT/RCDT/ESCT"  # nothing else to say: the code


def test_a_proprietary_bank_code_when_there_is_no_domain() -> None:
    (entry,) = entries(one(ntry(after_dates="<BkTxCd><Prtry><Cd>NTRF+166</Cd><Issr>DK</Issr></Prtry></BkTxCd>")))

    assert entry.bank_code == "NTRF+166"


def test_structured_references_when_there_is_no_unstructured_remittance() -> None:
    tx = """<TxDtls><RmtInf>
      <Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>
      <Strd><CdtrRefInf><Ref>RF712348231</Ref></CdtrRefInf></Strd>
    </RmtInf><AddtlTxInf>Transfer</AddtlTxInf></TxDtls>"""
    (entry,) = entries(one(ntry(details=tx)))

    assert entry.remittance == entry.description == "RF18539007547034 RF712348231"
    assert dict(entry.details)["AddtlTxInf"] == "Transfer"


def test_the_description_falls_back_to_the_transactions_then_the_entrys_information() -> None:
    tx_info = "<TxDtls><AddtlTxInf>TX INFO</AddtlTxInf></TxDtls>"
    entry_info = "<AddtlNtryInf>NTRY INFO</AddtlNtryInf>"
    first, second = entries(
        one(ntry(details=tx_info, after_details=entry_info), ntry(details="<TxDtls/>", after_details=entry_info))
    )

    assert (first.description, dict(first.details)["AddtlNtryInf"]) == ("TX INFO", "NTRY INFO")
    assert second.description == "NTRY INFO" and "AddtlNtryInf" not in dict(second.details)


def test_raw_is_the_ntry_element_serialized_with_its_namespace() -> None:
    (entry,) = entries(one(ntry("12.34", details=TX_CREDIT)))

    assert entry.raw.startswith('<Ntry xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">')
    assert entry.raw.endswith("</Ntry>")
    assert '<Amt Ccy="EUR">12.34</Amt>' in entry.raw and "<Nm>Payer Ltd</Nm>" in entry.raw


def test_a_prefixed_namespace_reads_the_same() -> None:
    data = document(stmt(ntry("3.00"))).decode()
    prefixed = (
        data.replace('xmlns="', 'xmlns:c="').replace("<", "<c:").replace("<c:/", "</c:").replace("<c:?xml", "<?xml")
    )
    (entry,) = entries(prefixed.encode())

    assert entry.amount == Decimal("3.00")


def test_the_head_reads_account_currency_sequence_balances_bic_and_owner() -> None:
    head = """<Id>S-9</Id><LglSeqNb>31</LglSeqNb><CreDtTm>2025-03-01T06:00:00</CreDtTm>
      <Acct><Id><Othr><Id>12345678</Id></Othr></Id><Nm>Account name</Nm><Ownr><Nm>Owner AG</Nm></Ownr>
        <Svcr><FinInstnId><BICFI>UBSWCHZH80A</BICFI></FinInstnId></Svcr></Acct>
      <Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">50.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>
        <Dt><Dt>2025-02-28</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">40.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>
        <Dt><DtTm>2025-03-01T18:00:00+01:00</DtTm></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLAV</Cd></CdOrPrtry></Tp><Amt Ccy="CHF">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2025-03-01</Dt></Dt></Bal>"""
    (statement,) = statements(document(stmt(ntry("10.00", currency="CHF"), head=head), version="04"))

    h = statement.head
    assert (h.account, h.currency, h.statement_id, h.sequence) == ("12345678", "CHF", "S-9", "31")
    assert (h.created_at, h.bic, h.account_owner) == ("2025-03-01T06:00:00", "UBSWCHZH80A", "Owner AG")
    assert h.opening is not None and h.closing is not None and statement.end.available is not None
    assert (h.opening.amount, h.opening.date) == (Decimal("-50.00"), date(2025, 2, 28))  # PRCD: no OPBD
    assert (h.closing.amount, h.closing.date) == (Decimal("-40.00"), date(2025, 3, 1))
    assert statement.end.available.amount == Decimal("1000.00")
    assert statement.end.closing is None and statement.closing == h.closing


def balance(code: str, amount: str) -> str:
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount}</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-02-28</Dt></Dt></Bal>"
    )


def test_opbd_wins_over_prcd_and_the_electronic_sequence_over_the_legal_one() -> None:
    head = (
        "<Id>S</Id><LglSeqNb>3</LglSeqNb><ElctrncSeqNb>7</ElctrncSeqNb><CreDtTm>2025-03-01T06:00:00Z</CreDtTm>"
        "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>"
        + balance("PRCD", "1.00")
        + balance("OPBD", "2.00")
        + balance("ITBD", "3.00")
    )
    (statement,) = statements(document(stmt(head=head)))

    assert statement.head.sequence == "7"
    assert statement.head.opening is not None and statement.head.opening.amount == Decimal("2.00")
    assert statement.head.closing is None


def test_created_at_falls_back_to_the_group_header() -> None:
    head = HEAD.replace("<CreDtTm>2025-03-01T06:00:00+01:00</CreDtTm>", "")
    found = statements(document(stmt(head=head), stmt(head=head)))

    assert [statement.head.created_at for statement in found] == ["2025-03-01T05:00:00Z"] * 2
