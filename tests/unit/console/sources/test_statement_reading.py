"""statement_reading: the format a file is told by, and the parser each format goes to."""

from __future__ import annotations

import pytest

from console.sources.services.statement_reading import format_sniffed, statement_pieces
from integrations.bank.statement import Entry, FileRefused, StatementHead
from tests.unit.integrations.bank.camt_documents import VECTORS as CAMT_VECTORS
from tests.unit.integrations.bank.mt940_documents import VECTORS as MT940_VECTORS

MT940_FILES = sorted(path.name for path in MT940_VECTORS.glob("*.sta"))


@pytest.mark.parametrize("name", MT940_FILES)
def test_every_mt940_sample_is_told_mt940_and_read_by_the_mt940_parser(name: str) -> None:
    content = (MT940_VECTORS / name).read_bytes()

    assert format_sniffed(content) == "mt940"
    found = list(statement_pieces("mt940", content))
    assert isinstance(found[0], StatementHead)
    assert any(isinstance(piece, Entry) for piece in found)


def test_a_camt053_file_still_goes_to_the_camt053_parser() -> None:
    content = (CAMT_VECTORS / "oca" / "test-camt053").read_bytes()

    assert format_sniffed(content) == "camt053"
    assert isinstance(next(iter(statement_pieces("camt053", content))), StatementHead)


def test_an_mt940_refusal_comes_while_reading_and_names_its_line() -> None:
    with pytest.raises(FileRefused, match=r"^line 1: text outside a statement"):
        list(statement_pieces("mt940", b"not a statement\n"))


@pytest.mark.django_db
def test_csv_without_a_profile_is_refused_by_name() -> None:
    with pytest.raises(FileRefused, match="a CSV file is read through a bank's profile"):
        statement_pieces("csv", b"date;amount\n")


def test_a_profile_for_a_file_that_names_its_own_layout_is_refused() -> None:
    with pytest.raises(FileRefused, match="a profile and an account are for CSV files"):
        statement_pieces("mt940", b":20:X\n", profile="oca_simple")


def test_an_unknown_format_is_refused_by_name() -> None:
    with pytest.raises(FileRefused, match="unknown statement format 'ofx'"):
        statement_pieces("ofx", b"")
