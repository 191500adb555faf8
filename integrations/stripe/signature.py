"""Stripe's webhook signature, checked over the raw body before anything reads it.

`Stripe-Signature: t=<unix time>,v1=<hex>[,v1=<hex>...][,v0=...]`: each `v1` is
hex(HMAC-SHA256(key = the endpoint's whole `whsec_...` secret, message = "<t>." + raw body))
(docs.stripe.com, "Verify webhook signatures manually"). While a secret is rolled Stripe signs
with the old and the new one, so any `v1` may match, against any of the secrets given; other
schemes (`v0`, test-mode signatures) are ignored. A timestamp older than the tolerance is
refused even with a good signature: the signature covers `t`, so an old delivery replayed
cannot be given a new one. A timestamp ahead of our clock is accepted, as Stripe's own
libraries do (clock skew).

A few lines of ours rather than the `stripe` package's `WebhookSignature`: that package is
13 MB over 1,600 files of API bindings and brings `requests` with it; its header parser reads
`t` with int(), which takes "+17_0", and it decodes the body as UTF-8 first, raising on a body
that is not.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence

SIGNATURE_HEADER = "Stripe-Signature"
DEFAULT_TOLERANCE_SECONDS = 300
SCHEME = "v1"

MISSING = "missing_signature"
MALFORMED = "malformed_signature"
MISMATCH = "bad_signature"
STALE = "stale_timestamp"
UNCONFIGURED = "unconfigured"  # no secret to check with: the console's fault, not the sender's

_MAX_TIMESTAMP_DIGITS = 12  # Unix time has 10 digits until the year 2286


class SignatureRefused(ValueError):
    """The delivery is not Stripe's, or is too old. `reason` is one of the constants above: for
    the console's counters and logs, never for the answer (which must not say what failed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _digest(body: bytes, secret: str, timestamp: int) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The header value Stripe sends with this body at this time."""
    return f"t={timestamp},{SCHEME}={_digest(body, secret, timestamp)}"


def _parse(header: str) -> tuple[int, list[str]]:
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise SignatureRefused(MALFORMED)
        if key == "t":
            timestamps.append(value)
        elif key == SCHEME:
            signatures.append(value)
    if len(timestamps) != 1 or not signatures:
        raise SignatureRefused(MALFORMED)
    (raw,) = timestamps
    if not (raw.isascii() and raw.isdigit() and len(raw) <= _MAX_TIMESTAMP_DIGITS):
        raise SignatureRefused(MALFORMED)
    return int(raw), signatures


def verify(
    body: bytes,
    header: str | None,
    secrets: Sequence[str],
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """The signed timestamp when one of the secrets signed the body within the tolerance;
    raises SignatureRefused otherwise."""
    usable = [secret for secret in secrets if secret]
    if not usable:
        raise SignatureRefused(UNCONFIGURED)
    if not header or not header.strip():
        raise SignatureRefused(MISSING)
    timestamp, signatures = _parse(header)
    given = [s.encode("ascii") for s in signatures if s.isascii()]
    # Every pair is compared, so the time taken does not tell which one matched.
    matched = False
    for secret in usable:
        expected = _digest(body, secret, timestamp).encode("ascii")
        for candidate in given:
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise SignatureRefused(MISMATCH)
    if timestamp < (time.time() if now is None else now) - tolerance_seconds:
        raise SignatureRefused(STALE)
    return timestamp
