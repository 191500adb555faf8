"""Shared fixtures: the Odoo sandbox, the demo configuration and one persona per role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

PASSWORD = "correct-horse-battery-staple"

# One named persona per role, as in the demo.
PERSONAS = {"operator": "olivia", "controller": "carl", "auditor": "ada", "admin": "ian"}

# Property-based tests: the same examples on every run (CI included) and no example database
# written to the work tree; HYPOTHESIS_PROFILE=deep explores further, with fresh examples.
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]
hypothesis_settings.register_profile(
    "ci", max_examples=150, derandomize=True, database=None, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
hypothesis_settings.register_profile(
    "deep", max_examples=2000, derandomize=False, database=None, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--odoo-protocol",
        choices=("xmlrpc", "json2"),
        default="xmlrpc",
        help="the Odoo external API the posting suites speak to the sandbox (default xmlrpc)",
    )
    # scripts/test.sh runs the posting suite once more as each other version (README).
    parser.addoption(
        "--odoo-version",
        default="18.0",
        choices=["17.0", "18.0", "19.0"],
        help="the Odoo version the sandbox answers as (field names and payment states)",
    )


def pytest_configure(config: pytest.Config) -> None:
    from tests.odoo_protocol import odoo_protocol_choose

    odoo_protocol_choose(config.getoption("--odoo-protocol"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2's deliberate slowness buys nothing in tests that create personas every time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _webhook_endpoints_forgotten() -> None:
    # Each process remembers which source an endpoint names for a few seconds (console/sources/
    # selectors.py): a source of the last test's database must not answer for this one's.
    from console.sources.selectors import endpoints_forget

    endpoints_forget()


@pytest.fixture(scope="session")
def odoo_version(pytestconfig: pytest.Config) -> str:
    return str(pytestconfig.getoption("odoo_version"))


@dataclass(frozen=True)
class PaymentStates:
    """A payment's state in Odoo after each step, by version (integrations/odoo/versions.py):
    17's payment state is its journal entry's; 18 gave payments their own states."""

    on_its_own: str  # created and posted without an invoice: on the outstanding account
    settling: str  # registered against an invoice it pays in full
    cancelled: str
    rejected: str  # "" where the version has no such state
    in_process: bool  # whether a payment waiting for its bank line has a state of its own


PAYMENT_STATES = {
    "17.0": PaymentStates("posted", "posted", "cancel", "", in_process=False),
    "18.0": PaymentStates("in_process", "paid", "canceled", "rejected", in_process=True),
    "19.0": PaymentStates("in_process", "paid", "canceled", "rejected", in_process=True),
}


@pytest.fixture(scope="session")
def payment_states(odoo_version: str) -> PaymentStates:
    return PAYMENT_STATES[odoo_version]


@pytest.fixture(scope="session")
def sandbox_server(odoo_version: str) -> Iterator[Any]:
    from integrations.odoo.sandbox.server import SandboxServer

    server = SandboxServer(
        host="127.0.0.1", port=0, db="sandbox", login="admin", password="admin", odoo_version=odoo_version
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server: Any, settings: Any) -> Any:
    """A fresh Odoo database for each test, and the console pointed at it (over the protocol
    --odoo-protocol names: the API key instead of the password for JSON-2)."""
    from integrations.odoo.access import user_access_forget
    from integrations.odoo.client import OdooClient
    from tests.odoo_protocol import odoo_protocol, sandbox_secret

    sandbox_server.control.reset()
    user_access_forget()  # what the last test's integration user could do
    OdooClient._known_versions.clear()  # another test's server may have had this port
    settings.ODOO_URL = sandbox_server.url
    settings.ODOO_DB = "sandbox"
    settings.ODOO_LOGIN = "admin"
    settings.ODOO_PASSWORD = sandbox_secret()
    settings.ODOO_PROTOCOL = odoo_protocol()
    settings.ODOO_TIMEOUT_SECONDS = 5.0
    return sandbox_server


@pytest.fixture
def configured(sandbox: Any, db: None, tmp_path: Any, settings: Any) -> dict[str, Any]:
    """The demo configuration (entity, sources, flows, mappings read from Odoo, personas, token)."""
    from django.contrib.auth.models import Group

    from console.access.roles import ROLE_GROUPS
    from console.sync.services.demo import demo_seed, demo_token_path

    settings.VAR_DIR = tmp_path
    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)
    demo_seed(password=PASSWORD)
    with open(demo_token_path()) as handle:
        token = handle.read().strip()
    return {"token": token, "sandbox": sandbox}


@pytest.fixture
def token(configured: dict[str, Any]) -> str:
    return str(configured["token"])


def feed_token(*entity_codes: str) -> str:
    """A service account of every source system, for these legal entities only (the demo's
    token feeds US01): the token, to ingest events of another entity."""
    from console.access.services import service_account_create
    from console.audit.actors import Actor
    from console.sync.models import SourceSystem

    _, issued = service_account_create(
        name=f"feed-{'-'.join(entity_codes)}",
        source_codes=list(SourceSystem.objects.values_list("code", flat=True)),
        entity_codes=list(entity_codes),
        actor=Actor.system("test"),
    )
    return issued.token


def login(client: Client, role: str) -> Client:
    """Signed in as the role's persona, without the sign-in form (tests of the form sign in through it)."""
    from console.access.models import User

    client.force_login(User.objects.get(username=PERSONAS[role]))
    return client
