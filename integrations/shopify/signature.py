"""Shopify's webhook signature, checked over the raw body before anything reads it.

`X-Shopify-Hmac-Sha256` is base64(HMAC-SHA256(key = the app's client secret, message = the
raw request body)) (shopify.dev, "Verify webhook deliveries"). Shopify's newer Events
deliveries send the same value as `Shopify-Hmac-Sha256`, without the `X-` prefix.

After a client secret is rotated Shopify may keep signing with the old one for up to an
hour, so a delivery verifies against any of the secrets given (the current one, then the
previous one). The signature covers the body only: the topic and id headers are not signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

HMAC_HEADERS = ("X-Shopify-Hmac-Sha256", "Shopify-Hmac-Sha256")

MISSING = "missing_signature"
MISMATCH = "bad_signature"
UNCONFIGURED = "unconfigured"  # no secret to check with: the console's fault, not the sender's


class SignatureRefused(ValueError):
    """The delivery is not Shopify's. `reason` is one of MISSING, MISMATCH, UNCONFIGURED: for the
    console's counters and logs, never for the answer (which must not say what failed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sign(body: bytes, secret: str) -> str:
    """The header value Shopify sends with this body."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(body: bytes, header: str | None, secrets: Sequence[str]) -> None:
    """Returns when one of the secrets signed the body; raises SignatureRefused otherwise."""
    usable = [secret for secret in secrets if secret]
    if not usable:
        raise SignatureRefused(UNCONFIGURED)
    claimed = (header or "").strip()
    if not claimed:
        raise SignatureRefused(MISSING)
    if not claimed.isascii():
        raise SignatureRefused(MISMATCH)
    given = claimed.encode("ascii")
    # Every secret is tried, so the time taken does not tell which one matched.
    matched = False
    for secret in usable:
        matched |= hmac.compare_digest(sign(body, secret).encode("ascii"), given)
    if not matched:
        raise SignatureRefused(MISMATCH)
