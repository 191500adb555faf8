"""The common, db and object services behind /xmlrpc/2/<service>.

Mirrors odoo/service/{common,db,model}.py: each object call is checked for
credentials, resolved on the model (private or unknown methods refused as
Odoo 18's get_public_method does) and run as one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from . import access
from .auth import Auth
from .control import Switches
from .database import Database
from .faults import AccessDenied, AccessError, OperationalError, SerializationFailure, UserError
from .orm import BaseModel, Env, RpcSpec, as_ids


def resolve(model: type[BaseModel], name: str) -> RpcSpec:
    spec = model._methods.get(name)
    if spec is not None and not name.startswith("_"):
        return spec
    if name in model._private:
        raise AccessError(f"Private methods (such as '{model._name}.{name}') cannot be called remotely.")
    raise AttributeError(f"The method '{model._name}.{name}' does not exist")


def records_touched(spec: RpcSpec, args: list[Any]) -> int:
    """How many records a call creates or posts, for the per-record latency."""
    if not spec.counts or not args:
        return 0
    try:
        if spec.counts == "vals":
            return 1 if isinstance(args[0], dict) else len(args[0])
        return len(as_ids(args[0]))
    except TypeError:
        return 0


class Services:
    def __init__(self, db: Database, auth: Auth, switches: Switches) -> None:
        self.db = db
        self.auth = auth
        self.switches = switches

    def dispatch(self, service: str, method: str, params: tuple[Any, ...], source: str) -> Any:
        handler = {"common": self.common, "db": self.database, "object": self.object}[service]
        return handler(method, params, source)

    def _check_db(self, name: Any) -> None:
        if name != self.db.name:
            raise OperationalError(
                'connection to server at "localhost" (127.0.0.1), port 5432 failed: '
                f'FATAL:  database "{name}" does not exist\n'
            )

    # -- common -------------------------------------------------------------

    def common(self, method: str, params: tuple[Any, ...], source: str) -> Any:
        def exp_version() -> dict[str, Any]:
            return self.db.version.answer()

        def exp_about(extended: bool = False) -> Any:
            info = "See http://openerp.com"
            return [info, self.db.version.series] if extended else info

        def exp_login(db: str, login: str, password: str) -> Any:
            return exp_authenticate(db, login, password, {})

        def exp_authenticate(db: str, login: str, password: str, user_agent_env: Any) -> Any:
            self._check_db(db)
            with self.db.lock:
                return self.auth.login(login, password, source)

        def exp_set_loglevel(loglevel: Any, logger: Any = None) -> bool:
            return True

        handlers: dict[str, Callable[..., Any]] = {
            "version": exp_version,
            "about": exp_about,
            "login": exp_login,
            "authenticate": exp_authenticate,
            "set_loglevel": exp_set_loglevel,
        }
        if method not in handlers:
            raise Exception(f"Method not found: {method}")
        return handlers[method](*params)

    # -- db -------------------------------------------------------------------

    def database(self, method: str, params: tuple[Any, ...], source: str) -> Any:
        public: dict[str, Callable[..., Any]] = {
            "list": lambda *a: [self.db.name],
            "db_exist": lambda name: name == self.db.name,
            "server_version": lambda: self.db.version.series,
            "list_lang": lambda: [["en_US", "English (US)"]],
        }
        if method in public:
            return public[method](*params)
        if method in (
            "create_database",
            "duplicate_database",
            "drop",
            "dump",
            "restore",
            "rename",
            "change_admin_password",
            "migrate_databases",
        ):
            raise AccessDenied()
        raise KeyError(f"Method not found: {method}")

    # -- object ---------------------------------------------------------------

    def object(self, method: str, params: tuple[Any, ...], source: str) -> Any:
        self.switches.count_call()
        db_name, uid, password = params[0], int(params[1]), params[2]
        self._check_db(db_name)
        with self.db.lock:
            self.auth.check(uid, password, source)

        def execute_kw(obj: str, name: str, args: Any, kw: Any = None) -> Any:
            return self._execute(uid, obj, name, list(args), dict(kw or {}))

        def execute(obj: str, name: str, *args: Any) -> Any:
            return self._execute(uid, obj, name, list(args), {})

        if method == "execute_kw":
            return execute_kw(*params[3:])
        if method == "execute":
            return execute(*params[3:])
        raise NameError(f"Method not available {method}")

    def _execute(self, uid: int, model_name: str, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        model_cls = self.db.registry.get(model_name)
        if model_cls is None:
            raise UserError(f"Object {model_name} doesn't exist")
        spec = resolve(model_cls, name)
        context = kwargs.pop("context", None) or {}

        def invoke(model: BaseModel) -> Any:
            method = getattr(model, name)
            if spec.api == "multi":
                ids, rest = args[0], args[1:]
                return method(as_ids(ids), *rest, **kwargs)
            return method(*args, **kwargs)

        return self.run(uid, model_name, name, spec, records_touched(spec, args), context, invoke)

    def run(
        self,
        uid: int,
        model_name: str,
        name: str,
        spec: RpcSpec,
        touched: int,
        context: dict[str, Any],
        invoke: Callable[[BaseModel], Any],
    ) -> Any:
        """One object call as one transaction, whichever protocol brought it (XML-RPC or JSON-2)."""
        # The work an Odoo worker would do happens outside the global lock,
        # so concurrent callers overlap like they would on a real server.
        # External ids are plain inserts in Odoo: the per-record cost models documents, not them.
        pause = self.switches.delay(0 if model_name == "ir.model.data" else touched)
        if pause:
            time.sleep(pause)
        if spec.mutates and self.switches.take_serialization_failure():
            raise SerializationFailure("could not serialize access due to concurrent update\n")
        with self.db.lock, self.db.store.transaction():
            env = Env(self.db, uid, context)
            access.check(env, model_name, name)
            result = invoke(env[model_name])
        if name == "create":
            hang = self.switches.take_hang()
            if hang:
                time.sleep(hang)
        return result
