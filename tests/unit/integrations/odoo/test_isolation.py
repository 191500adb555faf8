from __future__ import annotations

from integrations.odoo.errors import ErrorKind, OdooError
from integrations.odoo.isolation import run_isolated


def test_bad_items_are_isolated_and_the_rest_accepted_in_order() -> None:
    calls: list[list[int]] = []

    def call(chunk: list[int]) -> list[int]:
        calls.append(chunk)
        if 3 in chunk or 6 in chunk:
            raise OdooError(ErrorKind.DATA, "validation", "bad")
        return [i * 10 for i in chunk]

    rejected: list[int] = []
    done = run_isolated(list(range(8)), call, lambda item, err: rejected.append(item))
    accepted = [i for chunk, _ in done for i in chunk]
    assert sorted(rejected) == [3, 6]
    assert accepted == [0, 1, 2, 4, 5, 7]
    assert all(result == [i * 10 for i in chunk] for chunk, result in done)
    assert len(calls) < 16  # log-depth splitting, not one call per item and per level


def test_transient_error_ends_the_batch() -> None:
    def call(chunk: list[int]) -> None:
        raise OdooError(ErrorKind.TRANSIENT, "timeout", "slow")

    try:
        run_isolated([1, 2], call, lambda item, err: None)
    except OdooError as err:
        assert err.kind is ErrorKind.TRANSIENT
    else:
        raise AssertionError("a transient error must end the batch")
