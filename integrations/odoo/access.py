"""What the integration user may post: its Odoo groups, read once, against what each kind needs.

Odoo 18's account module (security/ir.model.access.csv) lets "Billing"
(account.group_account_invoice, implied by "Invoicing / Administrator") create invoices,
bills, journal entries and payments, but grants creating bank statement lines only to
account.group_account_basic, which "Show Full Accounting Features"
(account.group_account_user) implies. A fresh Community admin lacks it and gets Fault 4 on
the first bank line. Reading the groups first names the missing one before anything posts.

Up to 18.0 res.users.groups_id holds the implied groups as well; 19 renames it group_ids
(versions.py).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from integrations.odoo.client import IdentityKey, OdooClient
from integrations.odoo.errors import ErrorKind, OdooError


@dataclass(frozen=True)
class Requirement:
    """Posting needs one of `accepted`; an admin grants `grant` (which implies it)."""

    accepted: frozenset[str]
    grant: str
    label: str


BILLING = Requirement(
    frozenset({"account.group_account_invoice", "account.group_account_manager", "account.group_account_basic"}),
    "account.group_account_invoice",
    "Billing",
)
FULL_ACCOUNTING = Requirement(
    frozenset({"account.group_account_basic", "account.group_account_user"}),
    "account.group_account_user",
    "Show Full Accounting Features",
)
NEEDS: dict[str, tuple[Requirement, ...]] = {
    "customer_invoice": (BILLING,),
    "vendor_bill": (BILLING,),
    "customer_credit_note": (BILLING,),
    "vendor_credit_note": (BILLING,),
    "journal_entry": (BILLING,),
    "payment": (BILLING,),
    "bank_statement_line": (FULL_ACCOUNTING,),
}
KIND_LABELS = {
    "customer_invoice": "customer invoices",
    "vendor_bill": "vendor bills",
    "customer_credit_note": "customer credit notes",
    "vendor_credit_note": "vendor credit notes",
    "journal_entry": "journal entries",
    "payment": "payments",
    "bank_statement_line": "bank statement lines",
}


@dataclass(frozen=True)
class UserAccess:
    login: str
    uid: int
    groups: frozenset[str]  # xml ids, module.name

    def missing(self, kind: str) -> list[Requirement]:
        return [need for need in NEEDS[kind] if not need.accepted & self.groups]

    def refusal(self, kind: str) -> OdooError | None:
        """The configuration error posting this kind would meet, or None."""
        missing = self.missing(kind)
        if not missing:
            return None
        lacks = " and ".join(f"'{need.label}' ({need.grant})" for need in missing)
        return OdooError(
            ErrorKind.CONFIG,
            "missing_group",
            f"The Odoo user {self.login!r} lacks {lacks}, needed for {KIND_LABELS[kind]}.",
        )

    def report(self) -> dict[str, OdooError | None]:
        return {kind: self.refusal(kind) for kind in NEEDS}


def user_access_read(client: OdooClient) -> UserAccess:
    """Two calls: the user's groups, then their external ids."""
    uid = client.uid()
    field = client.odoo_version().user_groups
    rows = client.read("res.users", [uid], ["login", field])
    if not rows:
        raise OdooError(ErrorKind.CONFIG, "login_refused", f"Odoo has no user {uid} for {client.credentials.login!r}.")
    group_ids = [int(i) for i in rows[0].get(field) or []]
    names = client.search_read(
        "ir.model.data", [["model", "=", "res.groups"], ["res_id", "in", group_ids]], ["module", "name"]
    )
    return UserAccess(
        login=str(rows[0].get("login") or client.credentials.login),
        uid=uid,
        groups=frozenset(f"{row['module']}.{row['name']}" for row in names),
    )


# Per connection and process, for a short while: a posting worker checks once, not per batch,
# and a group granted in Odoo is seen within a minute.
CACHE_SECONDS = 60.0
_cache: dict[IdentityKey, tuple[float, UserAccess]] = {}
_lock = threading.Lock()


def user_access_cached(client: OdooClient, *, now: float | None = None) -> UserAccess:
    key = client.identity_key()
    moment = time.monotonic() if now is None else now
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] > moment:
        return hit[1]
    found = user_access_read(client)
    with _lock:
        _cache[key] = (moment + CACHE_SECONDS, found)
    return found


def user_access_forget() -> None:
    with _lock:
        _cache.clear()
