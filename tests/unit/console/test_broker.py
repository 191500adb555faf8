"""The embedded broker (console/broker.py): a message file is whole whenever a worker can see
it, two workers never take the same message, and a queue is first in, first out."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from kombu import Connection, Consumer, Exchange, Producer, Queue

from console.broker import TRANSPORT, transport_options

QUEUE = Queue("posting", Exchange("posting"), routing_key="posting")


def connection(folder: Path, transport: str = TRANSPORT) -> Connection:
    return Connection(
        "filesystem://", transport=transport, transport_options=transport_options(folder, polling_seconds=0.01)
    )


def publish(folder: Path, bodies: list[Any], transport: str = TRANSPORT) -> None:
    with connection(folder, transport) as conn:
        producer = Producer(conn.default_channel)
        for body in bodies:
            producer.publish(body, exchange=QUEUE.exchange, routing_key="posting", declare=[QUEUE], serializer="json")


def half_written_seen(folder: Path, transport: str) -> int:
    """Publish large messages while a reader opens every message file the moment it appears."""
    queue_dir = folder / "queue"
    queue_dir.mkdir(parents=True, exist_ok=True)
    done = threading.Event()
    seen: set[str] = set()
    broken = 0

    def read() -> None:
        nonlocal broken
        last = False
        while not last:
            last = done.is_set()  # one more look once the writer is done
            for name in os.listdir(queue_dir):
                if name in seen or name.startswith(".") or not name.endswith(".msg"):
                    continue
                seen.add(name)
                try:
                    json.loads((queue_dir / name).read_bytes())
                except (ValueError, OSError):
                    broken += 1

    reader = threading.Thread(target=read)
    reader.start()
    try:
        publish(folder, [{"blob": "x" * 1_000_000, "n": n} for n in range(20)], transport)
    finally:
        done.set()
        reader.join()
    assert len(seen) == 20
    return broken


def test_a_message_file_is_whole_when_a_worker_can_see_it(tmp_path: Path) -> None:
    """kombu's own filesystem channel creates the file, then writes it: a worker listing the
    folder in between read an empty message and stopped (kombu issue #1551)."""
    assert half_written_seen(tmp_path, TRANSPORT) == 0


def test_two_workers_never_take_the_same_message(tmp_path: Path) -> None:
    publish(tmp_path, [{"n": n} for n in range(400)])
    taken: Counter[int] = Counter()
    lock = threading.Lock()

    def consume() -> None:
        with connection(tmp_path) as conn:

            def on_message(body: Any, message: Any) -> None:
                with lock:
                    taken[body["n"]] += 1
                message.ack()

            with Consumer(conn, [QUEUE], callbacks=[on_message], accept=["json"]):
                idle = 0
                while idle < 20:
                    try:
                        conn.drain_events(timeout=0.05)
                        idle = 0
                    except TimeoutError:
                        idle += 1

    workers = [threading.Thread(target=consume) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert taken == Counter(range(400))


def test_messages_sent_within_one_millisecond_are_taken_in_the_order_sent(tmp_path: Path) -> None:
    """Names sorted by the millisecond and then a uuid: a burst went out in random order."""
    publish(tmp_path, [{"n": n} for n in range(200)])
    taken: list[int] = []
    with connection(tmp_path) as conn:

        def on_message(body: Any, message: Any) -> None:
            taken.append(body["n"])
            message.ack()

        with Consumer(conn, [QUEUE], callbacks=[on_message], accept=["json"]):
            while len(taken) < 200:
                conn.drain_events(timeout=1)
    assert taken == list(range(200))
