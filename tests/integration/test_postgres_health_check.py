"""console.postgres: a persistent connection in steady use skips `SELECT 1`, and a connection
the server closed is still noticed before a request uses it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connections

from console.postgres import base

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """The outcome of each `SELECT 1` health check the connection runs."""
    outcomes: list[bool] = []
    real = base.DatabaseWrapper.is_usable

    def counted(self: base.DatabaseWrapper) -> bool:
        outcomes.append(real(self))
        return outcomes[-1]

    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", counted)
    db = connections["default"]
    monkeypatch.setitem(db.settings_dict, "CONN_HEALTH_CHECKS", True)
    monkeypatch.setitem(db.settings_dict, "CONN_MAX_AGE", 60)
    db.close()
    yield outcomes
    db.close()


def _request() -> int:
    """What one request does with the connection: Django's start-of-request check, then a query."""
    db = connections["default"]
    db.close_if_unusable_or_obsolete()
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid: int = cursor.fetchone()[0]
    db.close_if_unusable_or_obsolete()
    return pid


def test_a_connection_in_steady_use_is_not_pinged(checks: list[bool]) -> None:
    first = _request()
    assert [_request() for _ in range(5)] == [first] * 5
    assert checks == []


def test_a_connection_idle_for_longer_is_checked_as_django_does(
    checks: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _request()
    connections["default"].cursor_made_at = time.monotonic() - base.TRUSTED_FOR_SECONDS - 1
    assert _request() == first
    assert checks == [True]


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(checks: list[bool]) -> None:
    first = _request()
    db = connections["default"].settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"], autocommit=True
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [first]).fetchone() == (True,)
        time.sleep(0.2)  # the server's farewell reaches our socket
    second = _request()  # no error: the dead connection was noticed and a new one opened
    assert second != first
    assert checks == [False]
