"""The key that makes a bank entry post once, whichever file brings it.

- The bank's own reference of the entry (camt AcctSvcrRef, MT940's bank reference) when it
  gives one: `<account>:ref:<reference>`, with `/<n>` for the n-th transaction of a batched
  entry. Banks give each booked entry its own; a reference seen again in one statement (some
  banks repeat one over a day's card payments) gets `#<k>` from its second time on.
- Otherwise a fingerprint of what the entry says (account, booking date, value date, signed
  amount, currency, end-to-end id, remittance, bank code) and its occurrence among the
  statement's entries with the same fingerprint: `<account>:fp:<digest>:<k>`.

So the same file twice, or two exports overlapping on some days, name each entry with the
same key and it posts once; and two genuinely identical payments on one day are occurrences
1 and 2, and both post. Statement ids are never part of the key: Rabobank, for one, numbers
its statements from 1 again every year. A fingerprint depends on how a format spells the
fields, so the same account imported once as MT940 and once as camt.053 is not recognised
as the same entries when the bank gives no reference: import one format per account.
"""

from __future__ import annotations

import hashlib

from integrations.bank.statement import Entry

MAX_REFERENCE = 100


def entry_fingerprint(account: str, entry: Entry) -> str:
    parts = (
        account,
        entry.booking_date.isoformat(),
        entry.value_date.isoformat() if entry.value_date else "",
        f"{entry.amount:.2f}",
        entry.currency,
        entry.end_to_end_id,
        " ".join(entry.remittance.split()),
        entry.bank_code,
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class StatementKeys:
    """Keys of one statement's entries, in file order (occurrences count within it)."""

    def __init__(self, account: str) -> None:
        self.account = account
        self._seen: dict[str, int] = {}

    def key(self, entry: Entry) -> str:
        if entry.bank_reference:
            reference = entry.bank_reference
            if len(reference) > MAX_REFERENCE:  # ISO's Max35Text, usually; a key is at most 200
                reference = hashlib.sha256(reference.encode()).hexdigest()[:32]
            base = f"{self.account}:ref:{reference}"
            if entry.batch_index:
                base += f"/{entry.batch_index}"
            count = self._count(base)
            return base if count == 1 else f"{base}#{count}"
        base = f"{self.account}:fp:{entry_fingerprint(self.account, entry)}"
        return f"{base}:{self._count(base)}"

    def _count(self, base: str) -> int:
        self._seen[base] = self._seen.get(base, 0) + 1
        return self._seen[base]
