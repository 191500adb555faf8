"""The one error type of reconciliation's services: what was refused, with the HTTP status the
API answers it with (a page shows the message)."""

from __future__ import annotations


class ReconciliationError(Exception):
    def __init__(self, message: str, *, status: int = 400, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
