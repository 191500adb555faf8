"""mt940.read on small files, one rule of the module's docstring at a time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from integrations.bank.statement import Balance, Entry, StatementEnd, StatementHead
from tests.unit.integrations.bank.mt940_documents import (
    IBAN,
    document,
    entries,
    one,
    one_entry,
    pieces,
    statement,
    statements,
)

ENTRY = ":61:2503010301C10,00NTRFNONREF//BANKREF-1"


def test_a_statement_is_a_head_its_entries_and_an_end_in_that_order_each_naming_its_line() -> None:
    data = one(ENTRY, ":86:first", ":61:2503020302D2,50NTRFNONREF", ":86:second")

    found = pieces(data)

    assert [type(piece) for piece in found] == [StatementHead, Entry, Entry, StatementEnd]
    head, first, second, end = found
    assert isinstance(head, StatementHead) and isinstance(end, StatementEnd)
    assert isinstance(first, Entry) and isinstance(second, Entry)
    assert (head.where, first.where, second.where, end.where) == ("line 1", "line 5", "line 7", "line 9")
    assert (first.amount, second.amount) == (Decimal("10.00"), Decimal("-2.50"))


def test_the_head_holds_reference_account_sequence_currency_and_opening_the_end_the_closing() -> None:
    (found,) = statements(one(ENTRY, opening=":60F:D250228EUR1234,56", closing=":62F:C250301EUR5,00"))

    head = found.head
    assert (head.statement_id, head.account, head.sequence, head.currency) == ("STMT-1", IBAN, "7/1", "EUR")
    assert head.opening == Balance(Decimal("-1234.56"), "EUR", date(2025, 2, 28))
    assert head.closing is None
    assert found.end.closing == Balance(Decimal("5.00"), "EUR", date(2025, 3, 1))
    assert found.closing == found.end.closing


def test_intermediate_balances_60m_and_62m_are_the_opening_and_closing_of_their_page() -> None:
    (found,) = statements(one(ENTRY, opening=":60M:C250301EUR100,", closing=":62M:C250301EUR110,"))

    assert found.head.opening is not None and found.closing is not None
    assert (found.head.opening.amount, found.closing.amount) == (Decimal("100"), Decimal("110"))


def test_available_balance_64_is_on_the_end_and_forward_available_65_is_read_and_dropped() -> None:
    data = one(ENTRY, closing=":62F:C250302EUR110,00\n:64:C250302EUR90,00\n:65:C250303EUR95,00\n:65:C250304EUR96,")

    (found,) = statements(data)

    assert found.end.available == Balance(Decimal("90.00"), "EUR", date(2025, 3, 2))
    assert len(found.entries) == 1


def test_a_statement_with_no_entry_is_a_head_and_an_end() -> None:
    found = pieces(one())

    assert [type(piece) for piece in found] == [StatementHead, StatementEnd]


def test_every_entry_takes_the_currency_of_the_opening_balance() -> None:
    data = one(ENTRY, opening=":60F:C250301CHF100,00", closing=":62F:C250302CHF110,00")

    assert one_entry(data).currency == "CHF"


# -- framing ------------------------------------------------------------------------------


def test_the_swift_envelope_is_read_and_its_sender_is_the_heads_bic() -> None:
    body = statement(ENTRY, ":86:paid")
    data = (
        "{1:F01OURCOMPANYXXX0000000000}{2:O9400700250302COBADEFFAXXX00000000002503020700N}{3:{108:MUR}}{4:\r\n"
        + body.replace("\n", "\r\n")
        + "\r\n-}{5:{CHK:ABCDEF012345}}\r\n"
    ).encode()

    (found,) = statements(data)

    assert found.head.bic == "COBADEFFXXX"
    assert [entry.remittance for entry in found.entries] == ["paid"]


def test_several_messages_in_envelopes_each_yield_their_statement() -> None:
    first, second = statement(ENTRY), statement(reference="STMT-2", sequence=":28C:8/1")
    data = (
        f"{{1:F01OURCOMPANYXXX0000000000}}{{2:O9400700250302COBADEFFAXXX00000000002503020700N}}{{4:\n{first}\n-}}"
        f"{{5:{{CHK:1}}}}{{1:F01OURCOMPANYXXX0000000000}}{{4:\n{second}\n-}}\n"
    ).encode()

    found = statements(data)

    assert [(s.head.statement_id, s.head.sequence, len(s.entries)) for s in found] == [
        ("STMT-1", "7/1", 1),
        ("STMT-2", "8/1", 0),
    ]
    # The second message's block 2 is not given: its sender is not the first one's.
    assert [s.head.bic for s in found] == ["COBADEFFXXX", ""]


def test_a_message_whose_text_starts_on_the_line_of_4_is_read() -> None:
    data = ("{1:F01OURCOMPANYXXX0000000000}{4::20:STMT-1\n" + statement(ENTRY).split("\n", 1)[1] + "\n-}\n").encode()

    (found,) = statements(data)

    assert found.head.statement_id == "STMT-1"
    assert found.entries[0].where == "line 5"


def test_statements_follow_each_other_without_a_separator_and_blank_lines_are_skipped() -> None:
    data = (statement(ENTRY) + "\n\n\n" + statement(ENTRY, ":86:x", "", reference="STMT-2") + "\n").encode()

    found = statements(data)

    assert [s.head.statement_id for s in found] == ["STMT-1", "STMT-2"]
    assert [len(s.entries) for s in found] == [1, 1]


@pytest.mark.parametrize(
    ("header", "bic"),
    [
        ("ABNANL2A\n940\nABNANL2A\n", "ABNANL2A"),
        ("0000 01INGBNL2AXXXX00001\n0000 01INGBNL2AXXXX00001\n940 00\n", "INGBNL2AXXX"),
        (":940:\n", ""),
    ],
)
def test_the_headers_dutch_banks_write_before_a_message_are_accepted(header: str, bic: str) -> None:
    (found,) = statements((header + statement(ENTRY) + "\n-XXX\n").encode())

    assert found.head.bic == bic
    assert len(found.entries) == 1


def test_crlf_and_lf_files_read_the_same() -> None:
    text = statement(ENTRY, ":86:two", "lines")

    assert pieces(document(text, newline="\r\n")) == pieces(document(text))


def test_a_byte_order_mark_is_skipped() -> None:
    assert len(entries(b"\xef\xbb\xbf" + one(ENTRY))) == 1


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Café Zoë".encode(), "Café Zoë"),  # UTF-8
        ("Café Zoë".encode("latin-1"), "Café Zoë"),  # not UTF-8: cp1252, which latin-1's letters share
        (b"5 \x80 fee", "5 € fee"),  # cp1252's euro sign
        (b"odd \x81 byte", "odd \x81 byte"),  # undefined in cp1252: latin-1
    ],
)
def test_each_line_is_utf8_else_cp1252_else_latin1(written: bytes, read: str) -> None:
    data = one(ENTRY, ":86:PLACEHOLDER").replace(b"PLACEHOLDER", written)

    assert one_entry(data).remittance == read


# -- :25: ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "account", "bic"),
    [
        (IBAN, IBAN, ""),
        (f"ABNANL2A/{IBAN}", IBAN, "ABNANL2A"),
        ("ABNANL2A/517852257", "517852257", "ABNANL2A"),
        (f"{IBAN}EUR", IBAN, ""),  # ING writes the currency after the IBAN
        ("1291.99.348EUR", "1291.99.348EUR", ""),  # not an IBAN: as written
        ("1234Test/1", "1234Test/1", ""),  # a slash that does not follow a BIC
        (" 0001234567 ", "0001234567", ""),
    ],
)
def test_the_account_is_the_id_of_25_and_a_bic_before_a_slash_goes_to_the_head(
    written: str, account: str, bic: str
) -> None:
    (found,) = statements(one(account=f":25:{written}"))

    assert (found.head.account, found.head.bic) == (account, bic)


def test_a_bic_in_25_wins_over_the_envelopes() -> None:
    data = b"{1:F01OURCOMPANYXXX0000000000}{2:O9400700250302COBADEFFAXXX00000000002503020700N}{4:\n"
    data += one(account=f":25:ABNANL2A/{IBAN}").replace(b"\n-\n", b"\n-}\n")

    (found,) = statements(data)

    assert found.head.bic == "ABNANL2A"


def test_the_sequence_is_28c_as_written_and_13d_is_the_creation_time() -> None:
    (found,) = statements(one(sequence=":13D:2503020700+0100\n:28:00000/00"))

    assert (found.head.sequence, found.head.created_at) == ("00000/00", "2503020700+0100")


# -- :61: ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mark", "amount", "reversal"),
    [
        ("C", Decimal("10.00"), False),
        ("D", Decimal("-10.00"), False),
        # A reversed credit: the money goes back out. A reversed debit: the money comes back.
        ("RC", Decimal("-10.00"), True),
        ("RD", Decimal("10.00"), True),
    ],
)
def test_the_sign_is_the_moneys_real_direction_and_reversals_are_marked(
    mark: str, amount: Decimal, reversal: bool
) -> None:
    entry = one_entry(one(f":61:2503010301{mark}10,00NTRFNONREF"))

    assert (entry.amount, entry.reversal) == (amount, reversal)


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("10,00", Decimal("10.00")),
        ("10,", Decimal("10")),
        ("0,5", Decimal("0.5")),
        ("500", Decimal("500")),  # Knab leaves the comma out
        ("0000000001000,89", Decimal("1000.89")),  # Rabobank pads past SWIFT's 15 characters
        ("123456789012,34", Decimal("123456789012.34")),
    ],
)
def test_amounts_are_the_decimal_written_with_a_comma(written: str, amount: Decimal) -> None:
    entry = one_entry(one(f":61:2503010301D{written}NTRFNONREF"))

    assert entry.amount == -amount
    assert str(entry.amount) == str(-amount)


@pytest.mark.parametrize("mark", ["C", "D", "RC", "RD"])
def test_a_funds_code_letter_after_the_mark_is_skipped(mark: str) -> None:
    entry = one_entry(one(f":61:2503010301{mark}R10,00NTRFNONREF"))

    assert abs(entry.amount) == Decimal("10.00")
    assert entry.reversal == mark.startswith("R")


@pytest.mark.parametrize(
    ("dates", "value", "booking"),
    [
        ("2503010302", date(2025, 3, 1), date(2025, 3, 2)),
        ("250301", date(2025, 3, 1), date(2025, 3, 1)),  # no entry date: booked on the value date
        ("2512310102", date(2025, 12, 31), date(2026, 1, 2)),  # booked in the new year
        ("2601021231", date(2026, 1, 2), date(2025, 12, 31)),  # valued in the new year, booked in the old
        ("2402290229", date(2024, 2, 29), date(2024, 2, 29)),
        ("2503010229", date(2025, 3, 1), date(2024, 2, 29)),  # the only 29 February near it
        ("990630", date(1999, 6, 30), date(1999, 6, 30)),
        ("790630", date(2079, 6, 30), date(2079, 6, 30)),
    ],
)
def test_value_date_and_entry_date_with_the_year_inferred_around_the_value_date(
    dates: str, value: date, booking: date
) -> None:
    entry = one_entry(one(f":61:{dates}C1,00NTRFNONREF"))

    assert (entry.value_date, entry.booking_date) == (value, booking)


def test_type_code_references_and_supplementary_details_on_the_next_line() -> None:
    entry = one_entry(one(":61:2503010301C10,00NMSCCUST-REF-1//BANK-REF-1", "ORIGINAL 9,99 USD"))

    assert (entry.bank_code, entry.bank_reference) == ("NMSC", "BANK-REF-1")
    assert dict(entry.details) == {"customer reference": "CUST-REF-1", "supplementary details": "ORIGINAL 9,99 USD"}
    # Without an :86:, the supplementary details are what a person reads first.
    assert entry.description == "ORIGINAL 9,99 USD"


def test_nonref_is_no_reference_on_either_side_and_the_type_code_is_the_last_resort_description() -> None:
    entry = one_entry(one(":61:2503010301C10,00FMSCNONREF//NONREF"))

    assert (entry.bank_reference, entry.details, entry.description) == ("", (), "FMSC")


def test_references_are_swifts_16_characters_and_the_rest_of_the_line_is_supplementary() -> None:
    # Rabobank's old layout: the counter account as the reference, the name after it.
    rabobank = one_entry(one(":61:110527D000000001213,28N0440121470966      W.P. Jansen                      "))
    knab = one_entry(one(":61:1407290729C500NTRF29-07-2014 10:05//B4G29PGDCK1QFV3E"))
    long_bank = one_entry(one(":61:2503010301C1,NTRFREF//ABCDEFGHIJKLMNOPQRST"))

    assert dict(rabobank.details) == {"customer reference": "0121470966", "supplementary details": "W.P. Jansen"}
    assert (knab.bank_reference, dict(knab.details)) == ("B4G29PGDCK1QFV3E", {"customer reference": "29-07-2014 10:05"})
    assert long_bank.bank_reference == "ABCDEFGHIJKLMNOP"
    assert dict(long_bank.details)["supplementary details"] == "QRST"


def test_raw_is_the_61_and_its_86_lines_as_written_and_where_is_the_line_of_the_61() -> None:
    data = one(ENTRY, "SUPPLEMENTARY", ":86:/REMI/Invoice 1/", ":86:second field", "  and its line  ")

    entry = one_entry(data)

    assert entry.raw == f"{ENTRY}\nSUPPLEMENTARY\n:86:/REMI/Invoice 1/\n:86:second field\n  and its line  "
    assert entry.where == "line 5"


# -- :86: ----------------------------------------------------------------------------------


def test_free_text_is_the_remittance_lines_cut_at_full_width_run_on_shorter_ones_end_with_a_space() -> None:
    full = "GIRO AUS ONLINE-SIC 80701 AUFTRAGGEBER: XXXXXXXXX XXX XXXXXXXXSTR"
    assert len(full) == 65
    entry = one_entry(one(ENTRY, f":86:{full}", "ASSE 111 1234", "MITTEILUNGEN: 1 SONNE", " GLAESER   "))

    assert entry.remittance == f"{full}ASSE 111 1234 MITTEILUNGEN: 1 SONNE GLAESER"
    assert entry.description == entry.remittance
    assert (entry.counterparty_name, entry.end_to_end_id, entry.details) == ("", "", ())


def test_several_86_fields_of_one_entry_are_one_text() -> None:
    padded = [f":86:{text:<64}" for text in ("Terugboeking", "NIET AKKOORD MET AFSCHRIJVING", "20095731")]

    entry = one_entry(one(ENTRY, *padded))

    assert entry.remittance == "Terugboeking NIET AKKOORD MET AFSCHRIJVING 20095731"


def test_gvc_fields_give_counterparty_remittance_and_sepa_end_to_end_id() -> None:
    entry = one_entry(
        one(
            ENTRY,
            ":86:166?00SEPA-UEBERWEISUNG?100599?20EREF+E2E-2025-0001?21SVWZ+Rechnung 2025-",
            "001 vom 28.02.?30COBADEFFXXX?31DE89370400440532013000?32Muster",
            "mann GmbH?34000",
        )
    )

    assert entry.counterparty_name == "Mustermann GmbH"
    assert (entry.counterparty_account, entry.counterparty_bic) == ("DE89370400440532013000", "COBADEFFXXX")
    assert entry.end_to_end_id == "E2E-2025-0001"
    # A field cut across lines is one field; ?20 is short, so a space before ?21.
    assert entry.remittance == entry.description == "Rechnung 2025-001 vom 28.02."
    assert dict(entry.details) == {"GVC": "166", "?00": "SEPA-UEBERWEISUNG", "?10": "0599", "?34": "000"}


def test_gvc_remittance_without_sepa_keywords_is_its_lines_the_name_its_two_fields() -> None:
    line = "RECHNUNG 4711 UND 4712 KUND"
    assert len(line) == 27
    entry = one_entry(one(ENTRY, f":86:051?00LASTSCHRIFT?20{line}?21ENNR 99?22DANKE?32ACME HANDELS?33 GMBH?3012345678"))

    assert entry.remittance == "RECHNUNG 4711 UND 4712 KUNDENNR 99 DANKE"
    assert entry.counterparty_name == "ACME HANDELS GMBH"
    # ?30 holds a German bank code here, not a BIC: kept in details.
    assert (entry.counterparty_bic, dict(entry.details)["?30"]) == ("", "12345678")


def test_gvc_sepa_keywords_other_than_eref_and_svwz_are_details_and_notprovided_is_no_id() -> None:
    entry = one_entry(
        one(ENTRY, ":86:105?00SEPA-LASTSCHRIFT?20EREF+NOTPROVIDED?21MREF+M-77?22CRED+DE98ZZZ09999999999?23SVWZ+Beitrag")
    )

    assert (entry.end_to_end_id, entry.remittance) == ("", "Beitrag")
    assert ("MREF+", "M-77") in entry.details and ("CRED+", "DE98ZZZ09999999999") in entry.details


def test_abn_amro_slash_fields_give_counterparty_remittance_and_end_to_end_id() -> None:
    text = "/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/BIC/RABONL2U/NAME/J. DOE/REMI/Factuur 123/456/EREF/E2E-9"
    lines = [text[i : i + 65] for i in range(0, len(text), 65)]

    entry = one_entry(one(ENTRY, f":86:{lines[0]}", *lines[1:]))

    assert (entry.counterparty_name, entry.counterparty_account, entry.counterparty_bic) == (
        "J. DOE",
        "NL44RABO0123456789",
        "RABONL2U",
    )
    assert (entry.remittance, entry.end_to_end_id) == ("Factuur 123/456", "E2E-9")
    assert dict(entry.details) == {"TRTP": "SEPA OVERBOEKING"}


def test_ing_and_rabobank_cntp_and_remi_ustd_strd_are_read() -> None:
    ing = one_entry(one(ENTRY, f":86:/EREF/E2E-7//CNTP/{IBAN}/ABNANL2A/Jan Jansen/Amsterdam/REMI/USTD//Invoice 7/"))
    strd = one_entry(one(ENTRY, ":86:/EREF/NOTPROVIDED//REMI/STRD/CUR/RF18539007547034/"))

    assert (ing.counterparty_account, ing.counterparty_bic, ing.counterparty_name) == (IBAN, "ABNANL2A", "Jan Jansen")
    assert (ing.end_to_end_id, ing.remittance) == ("E2E-7", "Invoice 7")
    assert (strd.end_to_end_id, strd.remittance) == ("", "RF18539007547034")


def test_ordp_name_is_the_counterparty_and_unknown_keys_stay_in_details() -> None:
    entry = one_entry(one(ENTRY, ":86:/ORDP//NAME/Acme BV/ID/12345/MARF/M-1/CSID/NL00ZZZ/REMI/Thanks"))

    assert (entry.counterparty_name, entry.remittance) == ("Acme BV", "Thanks")
    assert dict(entry.details) == {"ID": "12345", "MARF": "M-1", "CSID": "NL00ZZZ"}


def test_slash_fields_without_remittance_describe_the_entry_by_their_transaction_type() -> None:
    entry = one_entry(one(ENTRY, ":86:/TRTP/SEPA Incasso algemeen doorlopend/NAME/Energie BV"))

    assert (entry.remittance, entry.description) == ("", "SEPA Incasso algemeen doorlopend")


def test_an_86_after_the_closing_balance_is_statement_information_not_an_entry() -> None:
    data = one(ENTRY, ":86:of the entry", closing=":62F:C250302EUR110,00\n:86:D000004C000002D25,24C28,71")

    (found,) = statements(data)

    assert [entry.remittance for entry in found.entries] == ["of the entry"]


def test_an_86_before_any_entry_is_statement_information_too() -> None:
    (found,) = statements(one(":86:about the statement", ENTRY))

    assert [entry.remittance for entry in found.entries] == [""]


def test_an_ing_sepa_statement_reads_whole() -> None:
    """ING's layout since SEPA: IBAN and currency in :25:, the :61:'s second line, /KEY/ fields
    over long lines, :64: and :65: after the closing, and a summary :86: of the statement."""
    data = (
        b"{1:F01INGBNL2ABXXX0000000000}\n{2:I940INGBNL2AXXXN}\n{4:\n"
        b":20:P140220000000001\n:25:NL69INGB0123456789EUR\n:28C:00000\n:60F:C140219EUR662,23\n"
        b":61:1402200220C1,56NTRFEREF//00000000001005\n/TRCD/00100/\n"
        b":86:/EREF/EV12341REP1231456T1234//CNTP/NL32INGB0000012345/INGBNL2A/ING BANK NV INZAKE WEB///REMI/USTD//EV1"
        b"0001REP1000000T1000/\n"
        b":61:1402200220D1,57NTRFPREF//00000000001006\n/TRCD/00200/\n"
        b":86:/PREF/M000000003333333//REMI/USTD//TOTAAL 1 VZ/\n"
        b":62F:C140220EUR662,22\n:64:C140220EUR662,22\n:65:C140221EUR662,22\n:65:C140224EUR662,22\n"
        b":86:/SUM/2/1/1,56/1,57/\n-}\n"
    )

    (found,) = statements(data)

    assert (found.head.account, found.head.sequence) == ("NL69INGB0123456789", "00000")
    assert found.head.bic == ""  # an input message's block 2 names the receiver, not the bank
    credit, debit = found.entries
    assert (credit.amount, credit.bank_reference, credit.end_to_end_id) == (
        Decimal("1.56"),
        "00000000001005",
        "EV12341REP1231456T1234",
    )
    assert (credit.counterparty_account, credit.counterparty_bic, credit.counterparty_name) == (
        "NL32INGB0000012345",
        "INGBNL2A",
        "ING BANK NV INZAKE WEB",
    )
    assert credit.remittance == "EV10001REP1000000T1000"
    assert dict(credit.details) == {"customer reference": "EREF", "supplementary details": "/TRCD/00100/"}
    assert (debit.amount, debit.remittance, dict(debit.details)["PREF"]) == (
        Decimal("-1.57"),
        "TOTAAL 1 VZ",
        "M000000003333333",
    )
    assert found.end.available == Balance(Decimal("662.22"), "EUR", date(2014, 2, 20))
    assert found.head.opening is not None and found.closing is not None
    assert found.head.opening.amount + credit.amount + debit.amount == found.closing.amount
