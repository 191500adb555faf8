"""Groups, the integration user's membership and the access rights (ir.model.access) the
sandbox enforces.

Odoo 18's account module grants creating, changing and deleting bank statement lines
only to account.group_account_basic (security/ir.model.access.csv); billing and
read-only accounting users may read them. A fresh Community database's admin holds
"Invoicing / Administrator" (account.group_account_manager, implying
group_account_invoice) but not that group, and gets Fault 4 on create. "Show Full
Accounting Features" (account.group_account_user) implies group_account_basic.

Like Odoo up to 18.0, res.users.groups_id holds the implied groups too (UsersImplied
adds them when groups are written), so membership is read there directly.

Only the rules of models whose access the integration user may lack are modelled; the
admin holds every other right the console uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .faults import AccessError
from .store import Store

if TYPE_CHECKING:
    from .orm import Env

# xml id -> (category, name, implied xml ids)
GROUPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "base.group_user": ("User types", "Internal User", ()),
    "base.group_partner_manager": ("Extra Rights", "Contact Creation", ()),
    "base.group_erp_manager": ("Administration", "Access Rights", ("base.group_user",)),
    "base.group_system": ("Administration", "Settings", ("base.group_erp_manager",)),
    "account.group_account_invoice": ("Invoicing", "Billing", ("base.group_user",)),
    "account.group_account_manager": ("Invoicing", "Administrator", ("account.group_account_invoice",)),
    "account.group_account_readonly": ("Technical", "Show Accounting Features - Readonly", ("base.group_user",)),
    "account.group_account_basic": ("Technical", "Basic", ("account.group_account_invoice",)),
    "account.group_account_user": (
        "Technical",
        "Show Full Accounting Features",
        ("account.group_account_basic", "account.group_account_readonly"),
    ),
}
# What a fresh Community admin holds, and what "Show Full Accounting Features" adds.
ADMIN_GROUPS = ("base.group_system", "base.group_partner_manager", "account.group_account_manager")
FULL_ACCOUNTING = "account.group_account_user"

# model -> mode -> the groups granted it (ir.model.access rows), for the models modelled here.
RULES: dict[str, dict[str, tuple[str, ...]]] = {
    "account.bank.statement.line": {
        "read": ("account.group_account_readonly", "account.group_account_invoice", "account.group_account_basic"),
        "write": ("account.group_account_basic",),
        "create": ("account.group_account_basic",),
        "unlink": ("account.group_account_basic",),
    },
}
MODEL_LABELS = {"account.bank.statement.line": "Bank Statement Line"}
HEADERS = {
    "read": "You are not allowed to access '{kind}' ({model}) records.",
    "write": "You are not allowed to modify '{kind}' ({model}) records.",
    "create": "You are not allowed to create '{kind}' ({model}) records.",
    "unlink": "You are not allowed to delete '{kind}' ({model}) records.",
}
# The ORM call each RPC method checks before it runs.
MODES = {
    "create": "create",
    "write": "write",
    "unlink": "unlink",
    "read": "read",
    "search": "read",
    "search_read": "read",
    "search_count": "read",
    "name_search": "read",
}
SUPERUSER_ID = 1


def closure(xmlids: tuple[str, ...] | list[str]) -> list[str]:
    """The groups and every group they imply, in GROUPS' order."""
    todo, seen = list(xmlids), set()
    while todo:
        xmlid = todo.pop()
        if xmlid not in seen:
            seen.add(xmlid)
            todo.extend(GROUPS[xmlid][2])
    return [xmlid for xmlid in GROUPS if xmlid in seen]


def seed_groups(store: Store) -> dict[str, int]:
    ids: dict[str, int] = {}
    for xmlid, (category, name, _) in GROUPS.items():
        module, short = xmlid.split(".")
        ids[xmlid] = store.insert("res.groups", {"name": name, "__category": category, "implied_ids": []})
        store.insert(
            "ir.model.data",
            {"module": module, "name": short, "model": "res.groups", "res_id": ids[xmlid], "noupdate": True},
        )
    for xmlid, (_, _, implied) in GROUPS.items():
        store.update("res.groups", ids[xmlid], {"implied_ids": [ids[i] for i in implied]})
    return ids


def set_user_groups(store: Store, user_id: int, *, full_accounting: bool) -> None:
    """Give the user the admin's groups, with or without "Show Full Accounting Features"."""
    wanted = [*ADMIN_GROUPS, FULL_ACCOUNTING] if full_accounting else list(ADMIN_GROUPS)
    by_xmlid = group_ids(store)
    store.update("res.users", user_id, {"groups_id": sorted(by_xmlid[x] for x in closure(wanted))})


def group_ids(store: Store) -> dict[str, int]:
    rows = store.table("ir.model.data").values()
    return {f"{r['module']}.{r['name']}": int(r["res_id"]) for r in rows if r["model"] == "res.groups"}


def user_xmlids(store: Store, user_id: int) -> set[str]:
    user = store.get("res.users", user_id) or {}
    held = set(user.get("groups_id") or [])
    return {xmlid for xmlid, rec_id in group_ids(store).items() if rec_id in held}


def check(env: Env, model: str, method: str) -> None:
    """ir.model.access.check: refuse the call when no group of the user grants its mode."""
    mode = MODES.get(method)
    allowed = RULES.get(model, {}).get(mode or "")
    if not allowed or env.uid == SUPERUSER_ID:
        return
    if user_xmlids(env.store, env.uid) & set(allowed):
        return
    assert mode is not None
    groups = "\n".join(f"\t- {GROUPS[x][0]}/{GROUPS[x][1]}" for x in allowed)
    raise AccessError(
        HEADERS[mode].format(kind=MODEL_LABELS.get(model, model), model=model)
        + f"\n\nThis operation is allowed for the following groups:\n{groups}"
        + "\n\nContact your administrator to request access if necessary."
    )
