"""What mt940.read refuses, and that each refusal names its line; and that a damaged file is
refused with FileRefused, never with another exception."""

from __future__ import annotations

import io

import pytest

from integrations.bank import mt940
from integrations.bank.statement import FileRefused
from tests.unit.integrations.bank.mt940_documents import (
    VECTORS,
    document,
    one,
    pieces,
    refusal,
    statement,
)

ENTRY = ":61:2503010301C10,00NTRFNONREF"


def refused(data: bytes) -> tuple[str, str]:
    found = refusal(data)
    return found.where, found.message


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("1,2,3", "the :61: amount is not an amount: '1,2,3'"),
        ("12.50", "the :61: amount is not an amount: '12.50'"),
        (",5", "the :61: has no amount after its mark: ',5NTRFNONREF'"),
        ("1" * 19, f"the :61: amount is not an amount: '{'1' * 19}'"),
    ],
)
def test_a_malformed_entry_amount_is_refused_at_its_line(written: str, why: str) -> None:
    data = one(ENTRY, f":61:2503010301C{written}NTRFNONREF")

    assert refused(data) == ("line 6", why)


@pytest.mark.parametrize(
    ("balance", "why"),
    [
        (":60F:C250301EUR1.000,00", "the :60F: balance's amount is not an amount: '1.000,00'"),
        (":60F:C250301EUR", "the :60F: balance's amount is not an amount: ''"),
        (":60F:X250301EUR1,00", "the :60F: balance has no C or D mark first: 'X250301EUR1,00'"),
        (":60F:C250301eur1,00", "the :60F: balance's currency is not a currency code: 'eur'"),
        (":60F:C250230EUR1,00", "the :60F: balance's date is not a date (YYMMDD): '250230'"),
        (":60F:C2503EUR1,00", "the :60F: balance's date is not a date (YYMMDD): '2503EU'"),
    ],
)
def test_a_malformed_opening_balance_is_refused_at_its_line(balance: str, why: str) -> None:
    assert refused(one(ENTRY, opening=balance)) == ("line 4", why)


def test_a_malformed_closing_balance_is_refused_at_its_line() -> None:
    assert refused(one(ENTRY, closing=":62F:C25030XEUR1,00")) == (
        "line 6",
        "the :62F: balance's date is not a date (YYMMDD): '25030X'",
    )


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("250231C1,00NTRF", "the :61: value date is not a date (YYMMDD): '250231'"),
        ("C1,00NTRF", "the :61: value date is not a date (YYMMDD): 'C1,00N'"),
        ("2503010230C1,00NTRF", "the :61: entry date is not a date (MMDD): '0230'"),
        ("2503011301C1,00NTRF", "the :61: entry date is not a date (MMDD): '1301'"),
        ("2503010301X1,00NTRF", "the :61: has no C, D, RC or RD mark after its date(s): 'X1,00NTRF'"),
        ("2503010301C1,00", "the :61: has no transaction type (N, F or S, then 3 characters) after its amount: ''"),
        (
            "2503010301C1,00XTRF",
            "the :61: has no transaction type (N, F or S, then 3 characters) after its amount: 'XTRF'",
        ),
    ],
)
def test_a_malformed_entry_is_refused_at_its_line(written: str, why: str) -> None:
    assert refused(one(ENTRY, f":61:{written}")) == ("line 6", why)


def test_a_statement_without_25_is_refused_at_its_opening_balance() -> None:
    assert refused(one(ENTRY, account="")) == ("line 3", "no account (:25:) before the opening balance")


def test_a_statement_without_60f_is_refused_at_its_first_entry_or_its_closing() -> None:
    assert refused(one(ENTRY, opening="")) == ("line 4", "an entry (:61:) before the opening balance (:60F:/:60M:)")
    assert refused(one(opening="")) == ("line 4", "no opening balance (:60F:/:60M:) before :62F:")


def test_a_statement_cut_short_is_refused_at_its_first_line() -> None:
    cut = statement(ENTRY, closing="").encode()

    assert refused(cut) == ("line 1", "the statement has no closing balance (:62F:/:62M:): the file ends")
    assert refused(document(statement(ENTRY, closing=""))) == (
        "line 1",
        "the statement has no closing balance (:62F:/:62M:): line 6 ends it",
    )


def test_a_statement_with_only_20_is_refused_naming_what_is_missing() -> None:
    assert refused(b":20:X\n-\n") == ("line 1", "the statement has no opening balance (:25: and :60F: missing)")


def test_a_second_statement_starting_before_the_first_closed_is_refused() -> None:
    data = (statement(ENTRY, closing="") + "\n" + statement(reference="STMT-2")).encode()

    assert refused(data) == ("line 1", "the statement has no closing balance (:62F:/:62M:): line 6 ends it")


@pytest.mark.parametrize(
    ("data", "where", "why"),
    [
        (b"hello\n" + one(), "line 1", "text outside a statement (a statement starts with :20:): 'hello'"),
        (
            one() + b"trailing words\n",
            "line 7",
            "text outside a statement (a statement starts with :20:): 'trailing words'",
        ),
        (b":25:NL91ABNA0417164300\n" + one(), "line 1", ":25: outside a statement (a statement starts with :20:)"),
        (b"GUTHABEN\n" + one(), "line 1", "text outside a statement (a statement starts with :20:): 'GUTHABEN'"),
    ],
)
def test_text_outside_a_statement_is_refused(data: bytes, where: str, why: str) -> None:
    assert refused(data) == (where, why)


def test_text_inside_a_statement_that_belongs_to_no_field_is_refused() -> None:
    data = one(ENTRY, closing=":62F:C250302EUR110,00\nstray words")

    assert refused(data) == ("line 7", "text that is neither a field nor part of the :62F: field above")


def test_a_third_line_under_61_is_refused() -> None:
    data = one(ENTRY, "supplementary", "and more")

    assert refused(data) == ("line 7", "the :61: field is over 2 lines")


@pytest.mark.parametrize(
    ("line", "why"),
    [(":99:what", "an MT940 has no field :99:"), (":61F:x", "an MT940 has no field :61F:")],
)
def test_a_field_mt940_does_not_have_is_refused(line: str, why: str) -> None:
    assert refused(one(ENTRY, line)) == ("line 6", why)


def test_order_breaks_are_refused_at_their_line() -> None:
    assert refused(one(ENTRY, ":60F:C250301EUR1,")) == ("line 6", "a second opening balance")
    assert refused(one(ENTRY, ":25:NL91ABNA0417164300")) == ("line 6", ":25: after the opening balance")
    closed_twice = one(ENTRY, closing=":62F:C250302EUR110,00\n:62F:C250302EUR110,00")
    assert refused(closed_twice) == ("line 7", "a second closing balance (the first at line 6)")
    late = one(closing=":62F:C250302EUR110,00\n" + ENTRY)
    assert refused(late) == ("line 6", "an entry (:61:) after the closing balance of line 5")
    early = one(ENTRY, ":64:C250302EUR1,00")
    assert refused(early) == ("line 6", ":64: before the closing balance (:62F:/:62M:)")


def test_a_closing_balance_in_another_currency_is_refused() -> None:
    assert refused(one(ENTRY, closing=":62F:C250302USD110,00")) == ("line 6", "a balance in USD on a statement in EUR")


def test_an_empty_file_and_one_of_blank_lines_are_refused() -> None:
    assert refused(b"") == ("", "the file holds no statement (no :20: field)")
    assert refused(b"\r\n\n  \n") == ("", "the file holds no statement (no :20: field)")


def test_a_broken_envelope_is_refused_at_its_line() -> None:
    assert refused(b"{1:F01OURCOMPANYXXX0000000000\n" + one()) == (
        "line 1",
        "an unclosed block in the SWIFT envelope: '{1:F01OURCOMPANYXXX0000000000'",
    )
    assert refused(b"{1:F01X}{4:-}{4:-}\n" + one()) == ("line 1", "text after {4: that is not a field: '-}{4:-}'")
    assert refused(b"{1:F01X}junk{4:\n" + one()) == (
        "line 1",
        "text in the SWIFT envelope where a block was expected: 'junk{4:'",
    )


def test_an_86_of_too_many_lines_is_refused_at_the_line_over_the_limit() -> None:
    data = one(ENTRY, ":86:first", *(["more"] * mt940.MAX_FIELD_LINES))

    assert refused(data) == (
        f"line {6 + mt940.MAX_FIELD_LINES}",
        f"the :86: field is over {mt940.MAX_FIELD_LINES} lines",
    )


def test_a_line_over_the_limit_is_refused_by_its_number() -> None:
    data = one(ENTRY, ":86:" + "x" * mt940.MAX_LINE)

    assert refused(data) == ("line 6", f"the line is longer than {mt940.MAX_LINE:,} bytes")
    # One at the limit is read, whichever its line ending.
    at_limit = ":86:" + "x" * (mt940.MAX_LINE - 4)
    assert len(pieces(one(ENTRY, at_limit))) == len(pieces(document(statement(ENTRY, at_limit), newline="\r\n"))) == 3


def test_a_file_over_the_size_limit_is_refused_at_the_line_that_crosses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    data = one(ENTRY, ENTRY, ENTRY)
    monkeypatch.setattr(mt940, "MAX_BYTES", len(data) - 10)

    assert refused(data) == ("line 8", f"the file is over the limit of {len(data) - 10:,} bytes")


def test_pieces_before_a_refusal_were_read_and_the_refusal_ends_the_stream() -> None:
    data = one(ENTRY, ENTRY, ":61:2503010301C1,2,3NTRF")
    read = []
    with pytest.raises(FileRefused, match="line 7"):
        for piece in mt940.read(io.BytesIO(data)):
            read.append(piece)

    assert len(read) == 3  # the head and the two entries before the bad one


@pytest.mark.parametrize("name", sorted(path.name for path in VECTORS.glob("*.sta")))
def test_a_damaged_vector_is_read_or_refused_never_failing_otherwise(name: str) -> None:
    """Every line cut off, every line doubled, every byte of the first 400 replaced: each is
    read or refused with a FileRefused naming a line."""
    data = (VECTORS / name).read_bytes()
    lines = data.split(b"\n")
    variants = [b"\n".join(lines[:cut]) for cut in range(len(lines))]
    variants += [b"\n".join([*lines[:at], lines[at], *lines[at:]]) for at in range(len(lines))]
    variants += [data[:at] + b"9" + data[at + 1 :] for at in range(min(400, len(data)))]
    variants += [data[:at] + b":" + data[at + 1 :] for at in range(min(400, len(data)))]
    for variant in variants:
        try:
            pieces(variant)
        except FileRefused as refused_:
            assert refused_.where.startswith("line ") or refused_.where == "", refused_
