"""The shared MT940 samples (../shared/vectors/mt940, SOURCE.txt) against what WoLpH/mt940
makes of them: its expected parses, `mt940_tests/jejik/<bank>.yml` next to each .sta, read
there and written here by hand (dates decoded from the yml's binary form).

That library gathers all of a file's statements into one list of transactions, with the
balances of the first and last; we yield each statement with its own, so the per-statement
balances come from the file and the upstream ones are checked where they say the same.
Where our reading differs on purpose, the test says ours and why:

- `NONREF` is no reference: "" where upstream keeps the word;
- the :86: text is one line of text (see mt940.py on joining), where upstream keeps the
  line breaks;
- an :86: after the closing balance belongs to the statement, not to its last entry (ING).

Not every statement adds up (opening + entries = closing): the samples were cut from real
files. Which do and which do not is asserted, so a change in reading shows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pytest

from integrations.bank.statement import Balance, Entry, Statement
from tests.unit.integrations.bank.mt940_documents import VECTORS, statements, vector


class Upstream(NamedTuple):
    """A transaction of the upstream yml: `date`, `entry_date` (None when it has none),
    amount, `id`, `customer_reference`, `bank_reference`, `extra_details`."""

    value_date: date
    entry_date: date | None
    amount: str
    code: str
    customer_reference: str
    bank_reference: str
    extra_details: str


def upstream_view(entry: Entry) -> Upstream:
    details = dict(entry.details)
    return Upstream(
        entry.value_date or date.min,
        entry.booking_date,
        str(entry.amount),
        entry.bank_code,
        details.get("customer reference", ""),
        entry.bank_reference,
        details.get("supplementary details", ""),
    )


def eur(amount: str, on: date, currency: str = "EUR") -> Balance:
    return Balance(Decimal(amount), currency, on)


def read(name: str) -> list[Statement]:
    return statements(vector(f"jejik_{name}.sta"))


def flat(found: list[Statement]) -> list[Entry]:
    return [entry for statement in found for entry in statement.entries]


def adds_up(statement: Statement) -> bool:
    assert statement.head.opening is not None and statement.closing is not None
    return statement.head.opening.amount + sum(e.amount for e in statement.entries) == statement.closing.amount


def test_every_vector_is_read() -> None:
    names = sorted(path.name for path in VECTORS.glob("*.sta"))

    assert names == [f"jejik_{bank}.sta" for bank in ("abnamro", "ing", "knab", "postfinance", "rabobank")]
    assert [len(flat(read(name[6:-4]))) for name in names] == [10, 7, 3, 4, 5]  # upstream's counts


# -- ABN AMRO: its header lines before each message, :28: and :28C:, :60M:/:62M: --------------

ABNAMRO = [
    Upstream(date(2011, 5, 24), date(2011, 5, 24), "-9", "N192", "", "", ""),
    Upstream(date(2011, 5, 21), date(2011, 5, 23), "-11.59", "N426", "", "", ""),
    Upstream(date(2011, 5, 23), date(2011, 5, 23), "-11.63", "N426", "", "", ""),
    Upstream(date(2011, 5, 22), date(2011, 5, 23), "-11.8", "N426", "", "", ""),
    Upstream(date(2011, 5, 21), date(2011, 5, 23), "-13.45", "N426", "", "", ""),
    Upstream(date(2011, 5, 21), date(2011, 5, 23), "-15.49", "N426", "", "", ""),
    Upstream(date(2011, 5, 21), date(2011, 5, 23), "-107", "N426", "", "", ""),
    Upstream(date(2011, 5, 22), date(2011, 5, 23), "-141.48", "N426", "", "", ""),
    Upstream(date(2011, 5, 24), date(2011, 5, 24), "-9.49", "N426", "", "", ""),
    Upstream(date(2011, 5, 24), date(2011, 5, 24), "-15", "N426", "", "", ""),
]


def test_abnamro_statements_heads_and_balances() -> None:
    first, second = read("abnamro")

    heads = [(s.head.statement_id, s.head.account, s.head.sequence, s.head.bic) for s in (first, second)]
    assert heads == [
        ("ABN AMRO BANK NV", "517852257", "19321/1", "ABNANL2A"),
        ("ABN AMRO BANK NV", "517852257", "19322/1", "ABNANL2A"),
    ]
    # Upstream's final_opening/final_closing are the first statement's, its intermediate ones the second's.
    assert (first.head.opening, first.closing) == (eur("3236.28", date(2011, 5, 22)), eur("876.84", date(2011, 5, 23)))
    assert (second.head.opening, second.closing) == (
        eur("2876.84", date(2011, 5, 23)),
        eur("1849.75", date(2011, 5, 24)),
    )
    assert [len(first.entries), len(second.entries)] == [8, 2]
    assert [adds_up(first), adds_up(second)] == [False, False]


def test_abnamro_entries_match_upstream_field_by_field() -> None:
    found = flat(read("abnamro"))

    assert [upstream_view(entry) for entry in found] == ABNAMRO
    assert found[0].remittance == (
        "GIRO   428428 KPN - DIGITENNE    BETALINGSKENM.  000000042188659 "
        "5314606715                       BETREFT FACTUUR D.D. 20-05-2011 INCL. 1,44 BTW"
    )
    assert found[9].remittance == "52.89.39.882                    MYCOM DEN HAAG"
    # The blank line after the sixth entry's :86: is skipped, and is not part of it.
    assert (
        found[5].raw
        == ":61:1105210523D15,49N426NONREF\n:86:BEA   NR:XXX1234   21.05.11/12.55 DIRX FIL6017 KATWIJK ZH ,PAS999"
    )
    assert [entry.where for entry in found[5:7]] == ["line 20", "line 23"]


# -- ING: its header lines, a UTF-8 file with soft hyphens and tabs, -XXX ---------------------


def test_ing_statement_matches_upstream() -> None:
    (found,) = read("ing")

    head = found.head
    assert (head.statement_id, head.account, head.sequence, head.currency) == ("MPBZ", "0001234567", "000", "EUR")
    assert head.bic == "INGBNL2AXXX"  # from the header line `0000 01INGBNL2AXXXX00001`
    assert (head.opening, found.closing) == (eur("0.00", date(2010, 7, 22)), eur("3.47", date(2010, 7, 23)))
    assert adds_up(found) is False
    amounts = ["-25.03", "-3.03", "-1.11", "-20.00", "-1.10", "3.68", "1.00"]
    days = [date(2010, 7, 22)] * 6 + [date(2010, 7, 23)]
    references = ["", "", "TMG TANGO", "", "", "", ""]
    assert [upstream_view(entry) for entry in found.entries] == [
        Upstream(day, day, amount, "NTRF", reference, "", "")
        for day, amount, reference in zip(days, amounts, references, strict=True)
    ]


def test_ing_entry_texts_are_upstreams_lines_as_one() -> None:
    (found,) = read("ing")

    assert [entry.remittance for entry in found.entries] == [
        "RC AFREKENING BETALINGSVERKEER BETREFT REKENING 4715589 PERIODE: 01-10-2010 / 31-12-2010 "
        "ING Bank N.V. tarifering ING",
        "0111111111 GPSEOUL SPOEDBETALING\tMPBZS1016000047 GPSEOUL",
        "0111111111 ING iDEAL KN: TMG TANGO TRANSACTIENR 0050000534527978 10\xad06\xad2010 15:32 TMG TANGO "
        "ING Bank inzake GPKyoto",
        "ABN AMRO BANK>AMSTERDAM 22\xad07\xad2010 09:57 002\t5595781",
        "0111111111 GPPeking 170000001AC",
        "0123456789 EJ46GREENP100610T1456 CLIEOP TMG GPHONGKONG AMSTERDAM",
        # Upstream adds the statement's own :86: (after :62F:) and the `-XXX` trailer to this one.
        "0111111111 Hr S Marechal ROSMALEN Hr S Marechal ROSMALEN Betaling transactiedatum: 22-07-2010",
    ]


# -- Knab: no envelope, an amount without its comma, bank references ---------------------------


def test_knab_statements_and_entries_match_upstream() -> None:
    first, second = read("knab")

    assert [(s.head.statement_id, s.head.sequence) for s in (first, second)] == [
        ("B4E08MS9D00A0009", "998/1"),
        ("B4G30MS9D00A003D", "999/1"),
    ]
    assert (first.head.opening, first.closing) == (eur("0", date(2014, 5, 7)), eur("500", date(2014, 5, 8)))
    assert (second.head.opening, second.closing) == (
        eur("3058.98", date(2014, 7, 29)),
        eur("798.98", date(2014, 7, 30)),
    )
    assert [adds_up(first), adds_up(second)] == [True, False]
    may7, jul29 = date(2014, 5, 7), date(2014, 7, 29)
    assert [upstream_view(entry) for entry in flat([first, second])] == [
        Upstream(may7, may7, "500", "NTRF", "", "B4E07XM00J000023", ""),
        Upstream(jul29, jul29, "-7260", "NTRF", "", "B4G29PGCVO7Q06US", ""),
        Upstream(jul29, jul29, "500", "NTRF", "29-07-2014 10:05", "B4G29PGDCK1QFV3E", ""),
    ]
    assert second.entries[0].remittance == "FACTUUR 201403110, 201403113 REK: NL65INGB0123456789/NAAM: PICQER"


# -- PostFinance: supplementary details on the :61:'s second line, words cut at full width -----


def test_postfinance_statements_and_entries_match_upstream() -> None:
    first, second = read("postfinance")

    assert [(s.head.statement_id, s.head.sequence, s.head.currency) for s in (first, second)] == [
        ("2014040708285927", "999/1", "CHF"),
        ("2014040708285928", "999/2", "CHF"),
    ]
    chf = "CHF"
    assert (first.head.opening, first.closing) == (
        eur("0", date(2013, 11, 30), chf),
        eur("229.2", date(2014, 4, 7), chf),
    )
    assert (second.head.opening, second.closing) == (
        eur("229.2", date(2014, 4, 7), chf),
        eur("159.6", date(2014, 4, 7), chf),
    )
    assert [adds_up(first), adds_up(second)] == [True, False]
    dec9, dec16, dec18 = date(2013, 12, 9), date(2013, 12, 16), date(2013, 12, 18)
    assert [upstream_view(entry) for entry in flat([first, second])] == [
        Upstream(dec9, dec9, "79.7", "FMSC", "01916", "", "20131209007602198765432000000012"),
        Upstream(dec9, dec9, "149.5", "FMSC", "01916", "", "20131209007602187654321000000012"),
        Upstream(dec16, dec16, "-79.9", "FMSC", "01916", "", "20131216007602112345678000000012"),
        Upstream(dec18, dec18, "10.1", "FMSC", "01651", "", "20131216816204000100125000000012"),
    ]
    assert all(entry.currency == "CHF" for entry in flat([first, second]))


def test_postfinance_text_cut_mid_word_at_65_is_joined_whole() -> None:
    first, second = read("postfinance")

    assert first.entries[0].remittance == (
        "GIRO AUS ONLINE-SIC 80532 AUFTRAGGEBER: JANE DOE EXAMPLESTRASSE 10 1234 XXXX 131209CH98765432 "
        "MITTEILUNGEN: RECHNUNG XXXXXXXXXXXX"
    )
    assert second.entries[0].remittance == (
        "GIRO AUS ONLINE-SIC 80701 AUFTRAGGEBER: XXXXXXXXX XXX XXXXXXXXSTRASSE 111 1234 XXXXXXXXXXXX "
        "131216CH12345678 MITTEILUNGEN: 1 SONNENGLAESER"
    )


# -- Rabobank (before SEPA): :940:, padded amounts, names on the :61:, several :86: ------------


def test_rabobank_statements_match_the_file_and_the_last_matches_upstream() -> None:
    found = read("rabobank")

    assert [(s.head.statement_id, s.head.account, s.head.sequence, len(s.entries)) for s in found] == [
        ("940A110615", "1291.99.348EUR", "00000/00", 1),
        ("940A110616", "1291.99.348EUR", "00000/00", 0),
        ("940A110617", "1291.99.348EUR", "00000/00", 2),
        ("940A120829", "1526.89.184EUR", "00000/00", 2),
    ]
    assert [(s.head.opening, s.closing) for s in found] == [
        (eur("473.17", date(2011, 6, 14)), eur("395.82", date(2011, 6, 15))),
        (eur("1000.89", date(2011, 6, 15)), eur("1000.89", date(2011, 6, 16))),
        (eur("1295.82", date(2011, 6, 16)), eur("1250.87", date(2011, 6, 17))),
        (eur("4196.12", date(2012, 8, 28)), eur("4101.82", date(2012, 8, 29))),
    ]
    assert [adds_up(s) for s in found] == [False, True, False, True]


def test_rabobank_entries_match_upstream_field_by_field() -> None:
    found = flat(read("rabobank"))

    may27, jun17, jul21, aug29 = date(2011, 5, 27), date(2011, 6, 17), date(2011, 7, 21), date(2012, 8, 29)
    assert [upstream_view(entry) for entry in found] == [
        Upstream(may27, may27, "-1213.28", "N044", "0121470966", "", "W.P. Jansen"),
        Upstream(jun17, jun17, "-44.95", "N060", "0733959555", "", "T-MOBILE NETHERLANDS BV"),
        Upstream(jul21, jul21, "-236.56", "N030", "", "", "TOMTE TUMMETOT AMERSFOORT"),
        Upstream(aug29, aug29, "-88.10", "N060", "P000029225", "", "KPN - MOBIEL"),
        Upstream(aug29, aug29, "-6.20", "NMSC", "P000029225", "", "NS-Utrecht C. 117 UTRECHT"),
    ]
    assert [entry.remittance for entry in found] == [
        "Terugboeking NIET AKKOORD MET AFSCHRIJVING KOSTEN KINDEROPVANG JUNI 20095731",
        "BETALINGSKENM.  123456789 FACTUURNUMMER 987654321",
        "Betaalautomaat 14:23 pasnr. 065",
        "BETALINGSKENM.  173787046000009 FACTUUR * 173787046 000009 ZIE REKENING OP KPN.COM OF HI.NL KPN - MOBIEL",
        "Betaalautomaat 08:22 pasnr. 001",
    ]
    # The four :86: fields of the first entry are in its raw text, as written.
    assert found[0].raw.count("\n:86:") == 4


@pytest.mark.parametrize("name", ["abnamro", "ing", "knab", "postfinance", "rabobank"])
def test_every_entry_of_a_vector_names_the_line_of_its_61(name: str) -> None:
    lines = vector(f"jejik_{name}.sta").decode().splitlines()

    for entry in flat(read(name)):
        number = int(entry.where.removeprefix("line "))
        assert lines[number - 1].startswith(":61:")
        assert entry.raw.startswith(lines[number - 1])
