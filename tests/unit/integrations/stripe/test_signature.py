"""Stripe's webhook signature against the shared vectors (../shared/vectors/stripe, SOURCE.txt: computed
with Python and cross-checked with openssl; vector 1 is stripe-python's own test payload and secret),
and every way a delivery fails it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integrations.stripe.signature import (
    DEFAULT_TOLERANCE_SECONDS,
    MALFORMED,
    MISMATCH,
    MISSING,
    STALE,
    UNCONFIGURED,
    SignatureRefused,
    sign,
    verify,
)

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "stripe"


def _vectors() -> list[dict[str, Any]]:
    return json.loads((VECTORS / "signature_vectors.json").read_text(encoding="utf-8"))


def _refusal(body: bytes, header: str | None, secrets: list[str], *, now: float, tolerance: int = 300) -> str:
    with pytest.raises(SignatureRefused) as refused:
        verify(body, header, secrets, now=now, tolerance_seconds=tolerance)
    return refused.value.reason


@pytest.mark.parametrize("index", range(len(_vectors())))
def test_each_shared_vector_verifies_signs_to_its_header_and_survives_an_extra_bad_signature(index: int) -> None:
    vector = _vectors()[index]
    body, t = vector["body"].encode("utf-8"), vector["timestamp"]
    assert vector["signed_payload"].encode("utf-8") == f"{t}.".encode() + body
    assert verify(body, vector["header"], [vector["secret"]], now=t) == t
    assert sign(body, vector["secret"], t) == vector["header"]
    # One good v1 among bad ones, and a v0 of another scheme, still verifies.
    assert verify(body, vector["header_with_extra_bad_sig"], [vector["secret"]], now=t + 1) == t


def test_the_stripe_python_test_secret_gives_its_documented_v1() -> None:
    vector = _vectors()[0]
    assert vector["secret"] == "whsec_test_secret"  # the whole whsec_... string is the key
    assert vector["header"].endswith("v1=3bfab77baf5f7b6991a46c9b53b6547d7afc56148b10468fcad9f35c1992ffbd")


def test_a_flipped_byte_in_the_body_is_refused() -> None:
    vector = _vectors()[1]
    body = bytearray(vector["body"].encode("utf-8"))
    body[len(body) // 2] ^= 0x01
    assert _refusal(bytes(body), vector["header"], [vector["secret"]], now=vector["timestamp"]) == MISMATCH


def test_a_changed_timestamp_breaks_the_signature() -> None:
    vector = _vectors()[1]
    t = vector["timestamp"]
    header = vector["header"].replace(f"t={t}", f"t={t + 60}")
    assert _refusal(vector["body"].encode(), header, [vector["secret"]], now=t + 60) == MISMATCH


def test_a_wrong_secret_is_refused_and_the_secret_without_its_prefix_is_wrong() -> None:
    vector = _vectors()[1]
    body, t = vector["body"].encode(), vector["timestamp"]
    assert _refusal(body, vector["header"], ["whsec_other"], now=t) == MISMATCH
    assert _refusal(body, vector["header"], [vector["secret"].removeprefix("whsec_")], now=t) == MISMATCH


def test_a_timestamp_older_than_the_tolerance_is_refused_even_with_a_good_signature() -> None:
    vector = _vectors()[1]
    body, t = vector["body"].encode(), vector["timestamp"]
    assert verify(body, vector["header"], [vector["secret"]], now=t + DEFAULT_TOLERANCE_SECONDS) == t
    assert _refusal(body, vector["header"], [vector["secret"]], now=t + DEFAULT_TOLERANCE_SECONDS + 1) == STALE
    # The tolerance is the caller's (a setting).
    assert _refusal(body, vector["header"], [vector["secret"]], now=t + 61, tolerance=60) == STALE
    # A bad signature is a bad signature whatever its age.
    assert _refusal(body, vector["header"], ["whsec_other"], now=t + 10_000) == MISMATCH


def test_a_timestamp_ahead_of_our_clock_is_accepted_as_stripes_libraries_do() -> None:
    vector = _vectors()[1]
    t = vector["timestamp"]
    assert verify(vector["body"].encode(), vector["header"], [vector["secret"]], now=t - 3600) == t


def test_a_missing_or_blank_header_is_refused_as_missing() -> None:
    vector = _vectors()[0]
    body = vector["body"].encode()
    assert _refusal(body, None, [vector["secret"]], now=vector["timestamp"]) == MISSING
    assert _refusal(body, " ", [vector["secret"]], now=vector["timestamp"]) == MISSING


@pytest.mark.parametrize(
    "header",
    [
        "v1=3bfab77baf5f7b6991a46c9b53b6547d7afc56148b10468fcad9f35c1992ffbd",  # no t
        "t=1700000000",  # no v1
        "t=1700000000,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39",  # only another scheme
        "t=1700000000,t=1700000001,v1=3bfab77baf5f7b6991a46c9b53b6547d7afc56148b10468fcad9f35c1992ffbd",
        "t=+1700000000,v1=3bfab77baf5f7b6991a46c9b53b6547d7afc56148b10468fcad9f35c1992ffbd",  # int() would take it
        "t=1_700_000_000,v1=3bfab77baf5f7b6991a46c9b53b6547d7afc56148b10468fcad9f35c1992ffbd",
        # fullwidth digits, which str.isdigit() and int() would take
        "t=" + "".join(chr(0xFF10 + int(d)) for d in "1700000000") + ",v1=" + "3bfab77b" * 8,
        "t=1700000000;v1=3bfab77baf5f7b6991a46c9b53b6547d7afc56148b10468fcad9f35c1992ffbd",
    ],
)
def test_a_malformed_header_is_refused_without_reading_further(header: str) -> None:
    vector = _vectors()[0]
    assert _refusal(vector["body"].encode(), header, [vector["secret"]], now=vector["timestamp"]) == MALFORMED


def test_during_a_roll_either_secret_verifies_and_a_header_with_both_signatures_too() -> None:
    vector = _vectors()[1]
    body, t, old = vector["body"].encode(), vector["timestamp"], vector["secret"]
    new = "whsec_rolled_0002"
    both = f"{sign(body, new, t)},v1={sign(body, old, t).split('v1=')[1]}"
    # Stripe signs with both secrets while the old one is still valid: any v1 may match.
    assert verify(body, both, [new], now=t) == t
    assert verify(body, both, [old], now=t) == t
    # The console configured with the new secret and the previous one accepts either signature alone.
    assert verify(body, sign(body, old, t), [new, old], now=t) == t
    assert verify(body, sign(body, new, t), [new, old], now=t) == t
    assert _refusal(body, sign(body, old, t), [new], now=t) == MISMATCH


def test_no_configured_secret_refuses_everything() -> None:
    body = b"{}"
    assert _refusal(body, sign(body, "", 1), [], now=1) == UNCONFIGURED
    assert _refusal(body, sign(body, "", 1), [""], now=1) == UNCONFIGURED


def test_a_body_that_is_not_utf8_is_checked_as_bytes() -> None:
    body = b"\xff\xfe not utf-8"
    assert verify(body, sign(body, "whsec_x", 5), ["whsec_x"], now=5) == 5
