"""Account ids of statements: IBANs compacted and verified, other ids kept, BICs checked."""

from __future__ import annotations

import pytest

from integrations.bank.accounts import bic_or_blank, compact, counterparty_account, iban_problem, looks_like_iban


def test_an_iban_written_in_groups_and_lower_case_compacts_to_the_one_the_mapping_holds() -> None:
    assert compact("nl77 abna 0574 9087 65") == "NL77ABNA0574908765"
    assert compact("NL77\u00a0ABNA0574908765") == "NL77ABNA0574908765"


@pytest.mark.parametrize("other", ["123456784321", "1234Test/1", "0123-456789"])
def test_an_id_that_is_not_an_iban_is_kept_as_written(other: str) -> None:
    assert (compact(other), looks_like_iban(other)) == (other, False)


def test_a_valid_iban_has_no_problem_and_a_mistyped_one_is_named() -> None:
    assert iban_problem("DE89 3704 0044 0532 0130 00") == ""
    assert (
        iban_problem("DE89370400440532013001")
        == "'DE89370400440532013001' is not a valid IBAN: invalid checksum digits"
    )
    assert "not a valid IBAN" in iban_problem("XX00123456789012")


def test_a_counterparty_iban_that_does_not_verify_is_kept_with_its_finding() -> None:
    assert counterparty_account("DE89 3704 0044 0532 0130 00") == ("DE89370400440532013000", "")
    account, problem = counterparty_account("DE89370400440532013001")
    assert account == "DE89370400440532013001" and "invalid checksum digits" in problem
    assert counterparty_account("12345678") == ("12345678", "")


def test_a_bic_is_kept_in_upper_case_when_valid_and_dropped_when_not() -> None:
    assert (bic_or_blank("abnanl2a"), bic_or_blank("ABNANL2"), bic_or_blank("")) == ("ABNANL2A", "", "")


def test_the_counterparty_check_digits_agree_with_schwifty_on_valid_and_mistyped_ibans() -> None:
    valid = ["DE89370400440532013000", "GB82WEST12345698765432", "NL77ABNA0574908765", "FR1420041010050500013M02606"]
    for iban in valid:
        assert counterparty_account(iban) == (iban, "") and iban_problem(iban) == ""
        for position in range(4, len(iban)):
            if not iban[position].isdigit():
                continue
            typo = iban[:position] + str((int(iban[position]) + 1) % 10) + iban[position + 1 :]
            # One digit mistyped never passes mod-97: both checks refuse it.
            assert counterparty_account(typo)[1] != "" and iban_problem(typo) != "", typo
