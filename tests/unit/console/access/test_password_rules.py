"""Passwords that repeat themselves are refused with a message that says why; the demo's passes."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from console.access.models import User


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaaaa", "repeats the same characters"),
        ("abcabcabcabc", "repeats the same characters"),
        ("finopsfinops", "repeats the same characters"),
        ("FinopsFINOPS", "repeats the same characters"),
        ("finops-finops", "repeats the same characters"),
        ("abababababab", "repeats the same characters"),
        ("aaaaaaaaaaab", "fewer than 5 different characters"),
        ("abcdefghijkl", "runs along the alphabet or the digits"),
        ("zyxwvutsrqpo", "runs along the alphabet or the digits"),
    ],
)
def test_trivially_repetitive_passwords_are_refused(password: str, why: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, User(username="olga"))
    assert any(why in message for message in refused.value.messages)
    assert all(password.casefold() not in message.casefold() for message in refused.value.messages)


@pytest.mark.parametrize("password", ["finops-demo-pass", "correct-horse-battery-staple", "a-long-passphrase-42"])
def test_varied_passwords_pass(password: str) -> None:
    validate_password(password, User(username="olga"))
