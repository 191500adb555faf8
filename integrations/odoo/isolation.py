"""Run a batched Odoo call so that one bad record cannot sink the batch.

Odoo runs each call in one transaction: when a create or action_post of many
records meets one it refuses, nothing is written. Splitting the batch in halves
and retrying them isolates the bad record in log2(n) extra calls and still
posts the rest. Transient and configuration errors are not about one record,
so they end the whole batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from integrations.odoo.errors import ErrorKind, OdooError

T = TypeVar("T")
R = TypeVar("R")


def run_isolated(
    items: Sequence[T],
    call: Callable[[list[T]], R],
    on_rejected: Callable[[T, OdooError], None],
) -> list[tuple[list[T], R]]:
    """Call on items; on a data error split and retry. Returns each accepted chunk with its result."""
    done: list[tuple[list[T], R]] = []
    stack: list[list[T]] = [list(items)] if items else []
    while stack:
        chunk = stack.pop()
        try:
            done.append((chunk, call(chunk)))
        except OdooError as err:
            if err.kind is not ErrorKind.DATA:
                raise
            if len(chunk) == 1:
                on_rejected(chunk[0], err)
            else:
                middle = len(chunk) // 2
                # Push the second half first so the first half runs first: results keep input order.
                stack.append(chunk[middle:])
                stack.append(chunk[:middle])
    return done
