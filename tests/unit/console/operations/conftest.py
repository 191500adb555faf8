"""Heartbeats as the beat and a worker leave them, and a clean slate for what each process
remembers about Odoo."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.celery import app
from console.operations.odoo_reach import odoo_reach_forget
from console.operations.tasks import heartbeat


@pytest.fixture(autouse=True)
def _odoo_answers_forgotten() -> Iterator[None]:
    odoo_reach_forget()
    yield
    odoo_reach_forget()


def _purge() -> None:
    with app.connection_for_write() as connection:
        for name in app.amqp.queues:
            connection.default_channel.queue_purge(name)


@pytest.fixture
def beat_sent() -> Iterator[None]:
    """The beat's heartbeat sent through the broker, as the beat sends it (its publishing stamps
    "beat"); the message is taken away afterwards."""
    _purge()
    heartbeat.apply_async()
    yield
    _purge()


@pytest.fixture
def worker_ran(beat_sent: None) -> None:
    """The heartbeat run as a worker runs it (its run stamps "worker")."""
    heartbeat.apply()


@pytest.fixture
def redis_down() -> Iterator[None]:
    """The broker settings of production, naming a Redis where nothing listens."""
    keys = ("broker_url", "broker_transport", "broker_transport_options")
    kept = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", broker_transport=None, broker_transport_options={})
    yield
    app.conf.update(kept)
