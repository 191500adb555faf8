"""What the sandbox answers as Odoo 17.0, 18.0 or 19.0: every difference between them is here.

The models are written to 18.0. Another version gets subclasses whose fields are that
version's (an 18.0 name it does not have is refused as Odoo refuses an unknown field), and a
database seeded in 18.0's names is renamed to the version's once, before any call. Where a
field was only renamed, the subclass's field keeps 18.0's name as its storage (Field.column),
so the sandbox's own logic reads one name whatever the version.

From Odoo's source, for the fields the connector uses (see integrations/odoo/versions.py):
- 17.0: account.payment inherits account.move (_inherits on move_id): no `memo`, the memo is
  the move's `ref`; the payment's `state` is its move's (draft, posted, cancel), so there is
  no in_process, paid, canceled or rejected, and no action_validate or action_reject (18.0
  added them with those states); no `invoice_ids` (18.0). account.account has a single
  `company_id`, not `company_ids`.
- 19.0: account.account has `active` instead of `deprecated` (an archived account is left out
  of searches like any archived record); res.users.groups_id is named group_ids.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import fields as f
from .orm import BaseModel, rpc
from .store import Record, Store

Registry = dict[str, type[BaseModel]]


@dataclass(frozen=True)
class SandboxVersion:
    series: str  # "17.0"
    major: int
    # model -> how its class differs from 18.0's
    adapt_models: dict[str, Callable[[type[BaseModel]], type[BaseModel]]]
    # after seeding: (model, 18.0 name, this version's name, value converter)
    renames: tuple[tuple[str, str, str, Callable[[Any], Any]], ...]

    def answer(self) -> dict[str, Any]:
        """common.version(), as a real server of this series answers it."""
        return {
            "server_version": self.series,
            "server_version_info": [self.major, 0, 0, "final", 0, ""],
            "server_serie": self.series,
            "protocol_version": 1,
        }

    def registry(self, registry: Registry) -> Registry:
        return {name: self.adapt_models.get(name, _same)(cls) for name, cls in registry.items()}

    def adapt_store(self, store: Store) -> None:
        for model, old, new, convert in self.renames:
            store.rename(model, old, new, convert)


def _same(cls: type[BaseModel]) -> type[BaseModel]:
    return cls


def _variant(
    cls: type[BaseModel],
    *,
    drop: tuple[str, ...] = (),
    add: dict[str, f.Field] | None = None,
    methods_gone: tuple[str, ...] = (),
    attrs: dict[str, Any] | None = None,
) -> type[BaseModel]:
    """cls with fields dropped or added; the RPC methods the version lacks are unknown methods."""
    fields = {name: field for name, field in cls.FIELDS.items() if name not in drop}
    fields.update(add or {})
    variant: type[BaseModel] = type(
        cls.__name__, (cls,), {"FIELDS": fields, "__module__": cls.__module__, **(attrs or {})}
    )
    variant._methods = {name: spec for name, spec in variant._methods.items() if name not in methods_gone}
    return variant


def _payment_state_17(self: BaseModel, rec: Record) -> str:
    """The payment's state is its journal entry's (_inherits): draft until it has one."""
    move = self.env.store.get("account.move", rec.get("move_id") or 0)
    return str(move["state"]) if move else "draft"


def _payment_17(cls: type[BaseModel]) -> type[BaseModel]:
    def defaults(self: BaseModel) -> Record:
        # The sandbox's own state machine (18.0's) still runs underneath: draft to start.
        return {**cls.defaults(self), "state": "draft"}

    def value(self: BaseModel, rec: Record, name: str) -> Any:
        # The date is the journal entry's (one column by _inherits): a lock date moves both.
        move = self.env.store.get("account.move", rec.get("move_id") or 0) if name == "date" else None
        return move["date"] if move else cls.value(self, rec, name)

    @rpc("multi", mutates=True)
    def action_cancel(self: BaseModel, ids: list[int]) -> None:
        """17.0's: its journal entry's button_cancel (addons/account/models/account_payment.py,
        "draft -> cancelled"): a draft entry is cancelled, not deleted as from 18.0."""
        from .models_payment import move_model
        from .posting import cancel

        moves = move_model(self)
        entries = [int(self.record(i)["move_id"]) for i in self.existing(ids) if self.record(i).get("move_id")]
        cancel(moves, entries)

    return _variant(
        cls,
        drop=("memo", "state", "invoice_ids"),
        add={
            "ref": f.char("Reference", column="memo"),
            "state": f.selection("Status", ("draft", "posted", "cancel"), computed=True),
        },
        methods_gone=("action_validate", "action_reject"),
        attrs={
            "compute_state": _payment_state_17,
            "defaults": defaults,
            "value": value,
            "action_cancel": action_cancel,
            "MEMO": "ref",
        },
    )


def _account_17(cls: type[BaseModel]) -> type[BaseModel]:
    from .models_chart import company_default

    return _variant(
        cls,
        drop=("company_ids",),
        add={"company_id": f.many2one("res.company", "Company", required=True, default=company_default)},
    )


def _account_19(cls: type[BaseModel]) -> type[BaseModel]:
    return _variant(cls, drop=("deprecated",), add={"active": f.boolean("Active", default=True)})


def _users_19(cls: type[BaseModel]) -> type[BaseModel]:
    groups = cls.FIELDS["groups_id"]
    return _variant(cls, drop=("groups_id",), add={"group_ids": dataclasses.replace(groups, column="groups_id")})


def _first(ids: Any) -> Any:
    return ids[0] if ids else False


ODOO_17 = SandboxVersion(
    "17.0",
    17,
    adapt_models={"account.payment": _payment_17, "account.account": _account_17},
    renames=(("account.account", "company_ids", "company_id", _first),),
)
ODOO_18 = SandboxVersion("18.0", 18, adapt_models={}, renames=())
ODOO_19 = SandboxVersion(
    "19.0",
    19,
    adapt_models={"account.account": _account_19, "res.users": _users_19},
    renames=(("account.account", "deprecated", "active", lambda deprecated: not deprecated),),
)
VERSIONS = {v.series: v for v in (ODOO_17, ODOO_18, ODOO_19)}


def sandbox_version(series: str) -> SandboxVersion:
    if series not in VERSIONS:
        raise ValueError(f"odoo_version must be one of {', '.join(VERSIONS)}, not {series!r}")
    return VERSIONS[series]


# The two facts of an account the sandbox's own logic needs, whichever version's shape it has.
def account_company_ids(account: Record) -> list[int]:
    if "company_ids" in account:
        return list(account.get("company_ids") or [])
    return [account["company_id"]] if account.get("company_id") else []


def account_out_of_use(account: Record) -> str:
    """Why _post refuses a line on this account: deprecated (17, 18) or archived (19, whose
    message reads "a archived"); "" when it is in use."""
    if account.get("deprecated"):
        return "A line of this move is using a deprecated account, you cannot post it."
    if account.get("active") is False:
        return "A line of this move is using a archived account, you cannot post it."
    return ""
