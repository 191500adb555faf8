"""A password validator for what Django's own miss: long, uncommon, and still guessed at once
because it repeats itself ("finopsfinops"), uses a handful of characters ("aaaaaaaaaaab") or
runs along the alphabet or the digits ("abcdefghijkl")."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError

MIN_DISTINCT = 5


def _repeated_unit(text: str) -> str | None:
    """The shortest piece the text repeats (the last copy may be cut short), if any."""
    for size in range(1, len(text) // 2 + 1):
        if all(text[i] == text[i % size] for i in range(size, len(text))):
            return text[:size]
    return None


def _is_run(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return len(text) > 2 and steps in ({1}, {-1})


class RepetitivePasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        folded = password.casefold()
        # Separators do not make a repeat: "finops-finops" is "finops" twice.
        letters = "".join(c for c in folded if c.isalnum())
        # The message never quotes the password: refused ones are often a variant of a real one.
        if _repeated_unit(folded) is not None or _repeated_unit(letters) is not None:
            raise ValidationError(
                "This password repeats the same characters over and over: choose one that does not repeat itself.",
                code="password_repetitive",
            )
        if len(set(folded)) < MIN_DISTINCT:
            raise ValidationError(
                "This password uses fewer than %(min)d different characters: choose a more varied one.",
                code="password_too_few_characters",
                params={"min": MIN_DISTINCT},
            )
        if _is_run(folded):
            raise ValidationError(
                "This password runs along the alphabet or the digits: choose one that does not.",
                code="password_sequence",
            )

    def get_help_text(self) -> str:
        return (
            f"Your password cannot repeat itself, use fewer than {MIN_DISTINCT} different characters "
            "or run along the alphabet or the digits."
        )
