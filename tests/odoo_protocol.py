"""Which of Odoo's external APIs the posting suites speak to the sandbox: XML-RPC unless pytest
runs with `--odoo-protocol json2` (scripts/test.sh runs the posting suites once more so)."""

from __future__ import annotations

from integrations.odoo.client import OdooCredentials

SANDBOX_API_KEY = "sandbox-api-key"  # the sandbox's default key (SandboxServer(api_keys=...))
_chosen = ["xmlrpc"]


def odoo_protocol() -> str:
    return _chosen[0]


def odoo_protocol_choose(protocol: str) -> None:
    _chosen[0] = protocol


def sandbox_secret(password: str = "admin") -> str:  # noqa: S107 - the sandbox's documented test credential
    """The password over XML-RPC; JSON-2 signs in with an API key only."""
    return SANDBOX_API_KEY if odoo_protocol() == "json2" else password


def sandbox_credentials(
    url: str, *, db: str = "sandbox", login: str = "admin", timeout: float = 5.0
) -> OdooCredentials:
    return OdooCredentials(url, db, login, sandbox_secret(), timeout_seconds=timeout, protocol=odoo_protocol())
