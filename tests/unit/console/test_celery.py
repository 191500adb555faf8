"""Each task has a queue of its own purpose, a plain worker consumes them all, and the
depth of each can be read (the demo's progress line)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.celery import app, queue_depths

PERIODIC = (
    "sync.sweep_posting",
    "sources.sweep_deliveries",
    "casework.escalate",
    "casework.fold_tallies",
    "audit.verify_chain",
)


def queue_of(task: str) -> str:
    return str(app.amqp.router.route({}, task)["queue"].name)


def test_posting_bulk_runs_and_periodic_tasks_go_to_queues_of_their_own() -> None:
    app.loader.import_default_modules()
    assert queue_of("sync.post_events") == "posting"
    assert queue_of("casework.bulk_run") == "bulk"
    assert queue_of("sources.process_delivery") == "webhooks"
    for task in (*PERIODIC, "mappings.apply_due"):
        assert queue_of(task) == "default", task
    declared = set(app.amqp.queues)
    for task in app.tasks:
        if not task.startswith("celery."):
            assert queue_of(task) in declared, f"{task} goes to a queue no worker consumes"


def test_a_worker_started_without_queues_consumes_every_queue() -> None:
    assert set(app.amqp.queues.consume_from) == {"posting", "webhooks", "bulk", "default"}


def test_every_periodic_task_of_the_beat_goes_to_the_default_queue() -> None:
    for entry in app.conf.beat_schedule.values():
        assert queue_of(entry["task"]) == "default", entry["task"]


@pytest.fixture
def empty_queues() -> Iterator[None]:
    with app.connection_for_write() as connection:
        for name in app.amqp.queues:
            connection.default_channel.queue_purge(name)
    yield
    with app.connection_for_write() as connection:
        for name in app.amqp.queues:
            connection.default_channel.queue_purge(name)


def test_queue_depths_counts_the_messages_waiting_in_each_queue(empty_queues: None) -> None:
    app.send_task("sync.post_events", args=([1],))
    app.send_task("sync.post_events", args=([2],))
    app.send_task("casework.bulk_run", args=(1,))
    app.send_task("sources.process_delivery", args=(1,))
    assert queue_depths() == {"posting": 2, "webhooks": 1, "bulk": 1, "default": 0}
