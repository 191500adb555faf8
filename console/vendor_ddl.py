"""Running database-specific DDL (triggers, functions) from a migration: the statements for
the database in use, or a clear refusal for a database the project has none for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def execute_for_vendor(schema_editor: Any, what: str, statements: Mapping[str, Sequence[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise NotImplementedError(f"no {what} for database {vendor!r}")
    for statement in statements[vendor]:
        schema_editor.execute(statement, params=None)
