"""Reading a file's pieces in a thread of its own while the import writes the ones before.

An import alternates between parsing (Python, holding the GIL) and waiting on PostgreSQL
(psycopg waits without it). With the parser a chunk ahead in its own thread, the waits are
spent parsing. The parser touches no database, so the thread needs no connection of its own.
A refusal is raised where the walk would have met it, after the pieces before it; the walk
stopping early (a refusal of its own) stops the thread at its next chunk.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
CHUNK = 500  # pieces handed over at a time: a queue operation per piece would cost more than it saves
AHEAD = 4  # chunks the parser may run ahead: bounds the memory it holds


class _End:
    def __init__(self, error: BaseException | None) -> None:
        self.error = error


def prefetched(items: Iterable[T], *, chunk: int = CHUNK, ahead: int = AHEAD) -> Iterator[T]:
    handover: queue.Queue[list[T] | _End] = queue.Queue(maxsize=ahead)
    stopped = threading.Event()

    def put(value: list[T] | _End) -> bool:
        while not stopped.is_set():
            try:
                handover.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        batch: list[T] = []
        try:
            for item in items:
                batch.append(item)
                if len(batch) >= chunk:
                    if not put(batch):
                        return
                    batch = []
            if batch and not put(batch):
                return
        except Exception as err:  # noqa: BLE001 -- not handled here: handed to the reader, raised there
            if not batch or put(batch):  # the pieces read before it first
                put(_End(err))
            return
        put(_End(None))

    thread = threading.Thread(target=produce, name="statement-parser", daemon=True)
    thread.start()
    try:
        while True:
            got = handover.get()
            if isinstance(got, _End):
                if got.error is not None:
                    raise got.error
                return
            yield from got
    finally:
        stopped.set()
        thread.join()
