"""prefetched: the pieces in their order, a refusal where the walk meets it, and a walk that
stops early stops the parser's thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from console.sources.services.prefetch import prefetched
from integrations.bank.statement import FileRefused


def test_every_item_comes_in_its_order_across_chunks() -> None:
    assert list(prefetched(range(2_345), chunk=100, ahead=2)) == list(range(2_345))
    assert list(prefetched([], chunk=10)) == []


def test_a_refusal_comes_after_the_items_before_it() -> None:
    def parse() -> Iterator[int]:
        yield from range(7)
        raise FileRefused("line 8", "not an amount")

    seen: list[int] = []
    with pytest.raises(FileRefused, match="line 8: not an amount"):
        for item in prefetched(parse(), chunk=3):
            seen.append(item)
    assert seen == list(range(7))


def test_the_parser_runs_at_most_its_chunks_ahead_and_stops_when_the_walk_does() -> None:
    produced: list[int] = []

    def parse() -> Iterator[int]:
        for number in range(1_000_000):
            produced.append(number)
            yield number

    reader = prefetched(parse(), chunk=10, ahead=2)
    assert next(reader) == 0
    reader.close()  # the walk refused the file and went no further
    assert len(produced) <= 10 * (2 + 2) + 1
    assert not any(t.name == "statement-parser" for t in threading.enumerate())
