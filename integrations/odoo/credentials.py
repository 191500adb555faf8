"""Where and as whom a client talks to Odoo, and over which of its external APIs."""

from __future__ import annotations

from dataclasses import dataclass, field

# xmlrpc: /xmlrpc/2 with login and password (or API key), Odoo 17 and 18 (deprecated in 19).
# json2: /json/2/<model>/<method> with an API key as bearer token, Odoo 19 and later.
PROTOCOLS = frozenset({"xmlrpc", "json2"})


@dataclass(frozen=True)
class OdooCredentials:
    url: str
    database: str
    login: str
    # The password or API key for XML-RPC; the API key for JSON-2.
    password: str = field(repr=False)
    timeout_seconds: float = 60.0
    protocol: str = "xmlrpc"

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {sorted(PROTOCOLS)}, not {self.protocol!r}")
