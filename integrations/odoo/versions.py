"""The field names and state values the connector uses that differ between Odoo 17, 18 and 19.

Read from Odoo's source (addons/account/models/account_payment.py, account_account.py,
odoo/addons/base/models/res_users.py) for each major version:

- 17.0: account.payment is an account.move by `_inherits` (move_id): its memo is the move's
  `ref` and its `state` the move's (draft, posted, cancel); whether it is matched with a bank
  line is `is_matched`, not a state. account.account has one `company_id` and `deprecated`.
- 18.0: account.payment has its own `memo` and `state` (draft, in_process, paid, canceled,
  rejected); account.account has `company_ids` (many2many) and still `deprecated`.
- 19.0: as 18.0 for payments; account.account drops `deprecated` for `active` (archived
  accounts are left out of a search unless it asks for them); res.users.groups_id becomes
  group_ids.

Odoo Online's saas~X.Y releases sit between X.0 and X+1.0 and take the next major's changes
one by one; the connector treats them as X.0, so a field renamed in a saas release is met as
an Odoo error (an unknown field), never written silently to the wrong place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from integrations.odoo.errors import ErrorKind, OdooError


@dataclass(frozen=True)
class OdooVersion:
    major: int
    payment_memo: str  # the payment field that holds the console's marker
    payment_posted: frozenset[str]  # states that mean the payment is in the books
    payment_cancelled: str  # the state of a payment cancelled in Odoo
    payment_rejected: str  # "" when the version has no such state
    account_companies: str  # account.account's company field: company_id or company_ids
    account_usable: str  # "deprecated" (true: out of use) or "active" (false: out of use)
    user_groups: str  # res.users' groups field

    @property
    def label(self) -> str:
        return f"{self.major}.0"


ODOO_17 = OdooVersion(
    major=17,
    payment_memo="ref",
    payment_posted=frozenset({"posted"}),
    payment_cancelled="cancel",
    payment_rejected="",
    account_companies="company_id",
    account_usable="deprecated",
    user_groups="groups_id",
)
ODOO_18 = OdooVersion(
    major=18,
    payment_memo="memo",
    payment_posted=frozenset({"in_process", "paid"}),
    payment_cancelled="canceled",
    payment_rejected="rejected",
    account_companies="company_ids",
    account_usable="deprecated",
    user_groups="groups_id",
)
ODOO_19 = OdooVersion(
    major=19,
    payment_memo="memo",
    payment_posted=frozenset({"in_process", "paid"}),
    payment_cancelled="canceled",
    payment_rejected="rejected",
    account_companies="company_ids",
    account_usable="active",
    user_groups="group_ids",
)
VERSIONS = {v.major: v for v in (ODOO_17, ODOO_18, ODOO_19)}
SUPPORTED = ", ".join(v.label for v in VERSIONS.values())

# "17.0", "18.0+e" (Enterprise), "saas~18.3", "19.0", "19.0+e-20251001" (a nightly build)
_VERSION = re.compile(r"^(?:saas~)?(\d+)\.(\d+)")


def version_for(server_version: str) -> OdooVersion:
    """The field names for the server_version common.version() answered; an older, newer or
    unreadable version is a configuration error: posting with guessed field names would fail
    on every document, or worse, write the marker where nothing reads it back."""
    found = _VERSION.match(str(server_version or "").strip())
    major = int(found.group(1)) if found else None
    if major is None or major not in VERSIONS:
        raise OdooError(
            ErrorKind.CONFIG,
            "unsupported_version",
            f"Odoo {server_version or '(no version)'} is not supported: the connector knows the "
            f"field names of Odoo {SUPPORTED}.",
        )
    return VERSIONS[major]
