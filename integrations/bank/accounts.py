"""Bank account ids as statements write them: an IBAN is compacted (no spaces, upper case), so
that `NL77 ABNA 0574 9087 65` and `NL77ABNA0574908765` resolve to the same journal mapping, and
a statement's own IBAN is verified with schwifty, so a mistyped one is caught at the file
instead of becoming an account nobody maps. Other ids (a domestic account number,
`1234Test/1`) are kept as written.

schwifty for the statement's own account rather than our own mod-97: it also knows each
country's IBAN length and structure, and it is kept up to date with the registry (a release a
month). A counterparty's IBAN, only reported, has its check digits verified (see
counterparty_account)."""

from __future__ import annotations

import re
import string

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

_LETTERS_AS_NUMBERS = {ord(letter): str(number) for number, letter in enumerate(string.ascii_uppercase, 10)}
_SPACES = re.compile(r"[\s\u00a0]+")
# Two letters, two digits, then letters and digits: how an IBAN looks, valid or not.
_IBAN_SHAPED = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}")


def compact(value: str) -> str:
    """The id without spaces; upper case when it looks like an IBAN."""
    squeezed = _SPACES.sub("", value)
    upper = squeezed.upper()
    return upper if _IBAN_SHAPED.fullmatch(upper) else squeezed


def iban_problem(value: str) -> str:
    """What is wrong with `value` as an IBAN, in words; "" when it is a valid one."""
    try:
        IBAN(compact(value))
    except SchwiftyException as err:
        return f"{compact(value)!r} is not a valid IBAN: {str(err).lower() or type(err).__name__}"
    return ""


def looks_like_iban(value: str) -> bool:
    return _IBAN_SHAPED.fullmatch(compact(value)) is not None


def _check_digits_verify(iban: str) -> bool:
    """ISO 13616's mod-97 of the compacted IBAN: the first four characters moved to the end,
    letters as 10-35."""
    return int((iban[4:] + iban[:4]).translate(_LETTERS_AS_NUMBERS)) % 97 == 1


def counterparty_account(value: str) -> tuple[str, str]:
    """The other party's account compacted, and what is wrong with it ("" when nothing): the
    bank's data is kept even when its IBAN does not verify, with the finding beside it. Only
    the check digits are verified here, not schwifty's country structure: the other party's
    account is reported, never a key, and the full check costs 9 µs an entry of a 100,000-entry
    file (these take a third of that, and catch a mistyped one)."""
    account = compact(value)
    if not looks_like_iban(account) or _check_digits_verify(account):
        return account, ""
    return account, f"{account!r} is not a valid IBAN: invalid checksum digits"


def bic_or_blank(value: str) -> str:
    """A valid BIC in upper case; "" for one that is not (it is only ever shown)."""
    candidate = compact(value).upper()
    if not candidate:
        return ""
    try:
        BIC(candidate)
    except SchwiftyException:
        return ""
    return candidate
