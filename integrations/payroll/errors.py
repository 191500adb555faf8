"""The one error a payroll reader raises for a file it cannot read."""

from __future__ import annotations


class FileRefused(ValueError):
    """The file cannot be read as payroll; the message names where and why, in the words a
    person would look for: `line 14, column debit: ...` in a CSV file, the JSON path
    (`payrolls[2].totals.net_pay: ...`) in a provider's file. Same shape as the bank
    statement readers' (integrations/bank/statement.py)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message
