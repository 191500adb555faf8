"""One sandbox database: its models, its records and its notion of today."""

from __future__ import annotations

import datetime as dt
import threading

from . import access
from .models_base import IrModelData, ResCompany, ResCountry, ResCurrency, ResGroups, ResPartner, ResUsers
from .models_chart import AccountAccount, AccountJournal, AccountTax, AccountTaxGroup, ResPartnerBank
from .models_move import AccountMove
from .models_move_line import AccountMoveLine, AccountPartialReconcile
from .models_payment import AccountPayment
from .models_payment_register import AccountPaymentRegister
from .models_statement import AccountBankStatementLine, AccountBankStatementLineEnterprise
from .orm import BaseModel
from .seed import seed
from .store import Store
from .versions import ODOO_18, SandboxVersion

EDITIONS = ("community", "enterprise")
COMMON_MODELS: tuple[type[BaseModel], ...] = (
    ResCountry,
    ResCurrency,
    ResCompany,
    ResPartner,
    ResGroups,
    ResUsers,
    IrModelData,
    AccountAccount,
    AccountTaxGroup,
    AccountTax,
    AccountJournal,
    ResPartnerBank,
    AccountMove,
    AccountMoveLine,
    AccountPartialReconcile,
    AccountPayment,
    AccountPaymentRegister,
)


def build_registry(edition: str, version: SandboxVersion = ODOO_18) -> dict[str, type[BaseModel]]:
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, not {edition!r}")
    statement: type[BaseModel] = (
        AccountBankStatementLineEnterprise if edition == "enterprise" else AccountBankStatementLine
    )
    return version.registry({cls._name: cls for cls in (*COMMON_MODELS, statement)})


class Database:
    def __init__(
        self,
        name: str,
        *,
        login: str = "admin",
        edition: str = "community",
        full_accounting: bool = True,
        version: SandboxVersion = ODOO_18,
    ) -> None:
        self.name = name
        self.version = version
        self.login = login
        self.edition = edition
        # Whether the integration user (uid 2) holds "Show Full Accounting Features".
        self.full_accounting = full_accounting
        self.registry = build_registry(edition, version)
        # Serializes every call's logic, like a single database connection would.
        self.lock = threading.RLock()
        self.today_override: dt.date | None = None
        self.store = Store()
        self.reset()

    def today(self) -> dt.date:
        return self.today_override or dt.date.today()

    def reset(self) -> None:
        store = Store()
        seed(store)
        self.version.adapt_store(store)
        access.seed_groups(store)
        store.update("res.users", 2, {"login": self.login})
        access.set_user_groups(store, 2, full_accounting=self.full_accounting)
        self.store = store

    def set_full_accounting(self, on: bool) -> None:
        self.full_accounting = bool(on)
        access.set_user_groups(self.store, 2, full_accounting=self.full_accounting)

    def set_edition(self, edition: str) -> None:
        self.registry = build_registry(edition, self.version)
        self.edition = edition
