"""Shopify's webhook HMAC against the shared vectors (../shared/vectors/shopify, SOURCE_hmac.txt:
computed with Python and cross-checked with openssl), and every way a delivery fails it."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from integrations.shopify.signature import MISMATCH, MISSING, UNCONFIGURED, SignatureRefused, sign, verify

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "shopify"


def _vectors() -> list[dict[str, Any]]:
    return json.loads((VECTORS / "hmac_vectors.json").read_text(encoding="utf-8"))


def _body(vector: dict[str, Any]) -> bytes:
    if "body" in vector:
        return vector["body"].encode("utf-8")
    # "order.json (raw bytes of the file as saved)": the file's bytes, unread
    return (VECTORS / vector["body_file"].split()[0]).read_bytes()


@pytest.mark.parametrize("index", range(len(_vectors())))
def test_each_shared_vector_verifies_and_signs_to_its_header(index: int) -> None:
    vector = _vectors()[index]
    body = _body(vector)
    verify(body, vector["x_shopify_hmac_sha256"], [vector["secret"]])
    assert sign(body, vector["secret"]) == vector["x_shopify_hmac_sha256"]
    if "hex_of_digest" in vector:
        assert base64.b64decode(vector["x_shopify_hmac_sha256"]).hex() == vector["hex_of_digest"]


def _refusal(body: bytes, header: str | None, secrets: list[str]) -> str:
    with pytest.raises(SignatureRefused) as refused:
        verify(body, header, secrets)
    return refused.value.reason


def test_a_flipped_byte_anywhere_in_the_body_is_refused() -> None:
    vector = _vectors()[1]
    body = _body(vector)
    for position in (0, len(body) // 2, len(body) - 1):
        flipped = bytearray(body)
        flipped[position] ^= 0x01
        assert _refusal(bytes(flipped), vector["x_shopify_hmac_sha256"], [vector["secret"]]) == MISMATCH


def test_a_wrong_secret_is_refused() -> None:
    vector = _vectors()[0]
    assert _refusal(_body(vector), vector["x_shopify_hmac_sha256"], ["not-hush"]) == MISMATCH


def test_a_missing_or_blank_header_is_refused_as_missing() -> None:
    vector = _vectors()[0]
    assert _refusal(_body(vector), None, [vector["secret"]]) == MISSING
    assert _refusal(_body(vector), "  ", [vector["secret"]]) == MISSING


@pytest.mark.parametrize(
    "header",
    [
        "x1GgzjwRfkFr1QGgbUshU5F86Px7I3kd/pWiklSLcLE",  # padding dropped: not the value Shopify sends
        "c751a0ce3c117e416bd501a06d4b2153917ce8fc7b23791dfe95a292548b70b1",  # hex, not base64
        "x1GgzjwRfkFr1QGgbUshU5F86Px7I3kd/pWiklSLcLÉ=",  # not ASCII
    ],
)
def test_a_header_that_is_not_the_exact_base64_digest_is_refused(header: str) -> None:
    vector = _vectors()[0]
    assert _refusal(_body(vector), header, [vector["secret"]]) == MISMATCH


def test_the_previous_secret_verifies_during_a_rotation_and_the_new_one_too() -> None:
    vector = _vectors()[0]
    body = _body(vector)
    # Shopify still signs with the old secret ("hush") for up to an hour after the rotation.
    verify(body, vector["x_shopify_hmac_sha256"], ["the-new-secret", vector["secret"]])
    verify(body, sign(body, "the-new-secret"), ["the-new-secret", vector["secret"]])
    # Once the previous secret is dropped, its signature no longer verifies.
    assert _refusal(body, vector["x_shopify_hmac_sha256"], ["the-new-secret"]) == MISMATCH


def test_no_configured_secret_refuses_everything_even_an_empty_signature_of_an_empty_key() -> None:
    body = b"{}"
    assert _refusal(body, sign(body, ""), []) == UNCONFIGURED
    assert _refusal(body, sign(body, ""), [""]) == UNCONFIGURED


def test_the_refusal_never_carries_the_secret() -> None:
    vector = _vectors()[0]
    with pytest.raises(SignatureRefused) as refused:
        verify(_body(vector), "bad", ["s3cr3t-value"])
    assert "s3cr3t" not in repr(refused.value) and "s3cr3t" not in str(refused.value)
