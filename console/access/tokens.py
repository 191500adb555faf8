"""Bearer tokens: shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

SERVICE_PREFIX = "fos_"
PERSONAL_PREFIX = "fop_"


def token_generate(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    # The token has 256 bits of entropy, so an unsalted fast hash is enough and
    # lets authentication look the row up by digest in one indexed query.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
