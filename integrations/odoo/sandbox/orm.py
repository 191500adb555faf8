"""A small ORM with Odoo's RPC-visible semantics: create/read/write/search/unlink."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from . import domain as domains
from .faults import AccessError, ValidationError, missing_error
from .fields import Field, char, integer
from .fields import datetime as datetime_field
from .store import Record, Store

if TYPE_CHECKING:
    from .database import Database

F = TypeVar("F", bound=Callable[..., Any])
X2MANY = ("one2many", "many2many")


@dataclass(frozen=True)
class RpcSpec:
    api: str  # "model": no ids; "multi": ids are the first positional argument
    mutates: bool
    counts: str  # what per-record latency counts: "", "vals" or "ids"


def rpc(api: str = "multi", *, mutates: bool = False, counts: str = "") -> Callable[[F], F]:
    """Mark a method as callable through execute_kw."""

    def mark(fn: F) -> F:
        fn._rpc_spec = RpcSpec(api, mutates, counts)  # type: ignore[attr-defined]
        return fn

    return mark


class Env:
    def __init__(self, db: Database, uid: int, context: dict[str, Any] | None = None) -> None:
        self.db = db
        self.uid = uid
        self.context: dict[str, Any] = dict(context or {})

    @property
    def store(self) -> Store:
        return self.db.store

    def __getitem__(self, name: str) -> BaseModel:
        return self.db.registry[name](self)

    def today(self) -> dt.date:
        return self.db.today()

    def user(self) -> Record:
        user = self.store.get("res.users", self.uid)
        assert user is not None
        return user

    def company_ids(self) -> list[int]:
        """env.companies: allowed_company_ids from the context, else the user's."""
        mine = list(self.user()["company_ids"])
        allowed = self.context.get("allowed_company_ids")
        if allowed:
            if set(allowed) - set(mine):
                raise AccessError("Access to unauthorized or invalid companies.")
            return list(allowed)
        return mine

    def company_id(self) -> int:
        allowed = self.context.get("allowed_company_ids")
        if allowed:
            return int(self.company_ids()[0])
        return int(self.user()["company_id"])


def not_null_error(model: BaseModel, fname: str) -> ValidationError:
    field = model._fields[fname]
    return ValidationError(
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
        f"Model: {model._description} ({model._name})\n"
        f"Field: {field.string} ({fname})\n"
    )


def foreign_key_error(model: BaseModel, fname: str) -> ValidationError:
    table = model._name.replace(".", "_")
    return ValidationError(
        "The operation cannot be completed: another model requires the record being deleted. "
        "If possible, archive it instead.\n\n"
        f"Model: {model._description} ({model._name})\n"
        f"Constraint: {table}_{fname}_fkey\n"
    )


def constraint_error(message: str) -> ValidationError:
    """An SQL constraint violation as Odoo's _as_validation_error words it."""
    return ValidationError(f"The operation cannot be completed: {message}")


def as_ids(value: Any) -> list[int]:
    """browse(): an id, a list of ids, or nothing."""
    if value is False or value is None:
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, (list, tuple)):
        for item in value:
            if not isinstance(item, int) or isinstance(item, bool):
                raise TypeError(f"Invalid record id {item!r}")
        return list(dict.fromkeys(value))
    raise TypeError(f"Invalid record ids {value!r}")


def to_date(value: Any) -> str | bool:
    if value is False or value is None or value == "":
        return False
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a date")
    return dt.datetime.strptime(value[:10], "%Y-%m-%d").strftime("%Y-%m-%d")


class BaseModel:
    _name: ClassVar[str] = ""
    _description: ClassVar[str] = ""
    _order: ClassVar[str] = "id"
    _rec_name: ClassVar[str] = "name"
    FIELDS: ClassVar[dict[str, Field]] = {}
    _fields: ClassVar[dict[str, Field]] = {}
    _methods: ClassVar[dict[str, RpcSpec]] = {}
    # Private names that do exist on the real model: calling them is an
    # AccessError (fault 4), while unknown names are an AttributeError (fault 1).
    PRIVATE: ClassVar[frozenset[str]] = frozenset()
    _private: ClassVar[frozenset[str]] = frozenset()
    COMMON_PRIVATE: ClassVar[frozenset[str]] = frozenset(
        {
            "_read",
            "_search",
            "_create",
            "_write",
            "_compute_display_name",
            "_check_company",
            "_fields",
            "_name",
            "_table",
            "_order",
            "_rec_name",
            "_description",
            "_auto_init",
            "browse",
            "sudo",
            "with_context",
            "with_user",
            "with_company",
            "with_env",
            "ensure_one",
            "filtered",
            "filtered_domain",
            "mapped",
            "sorted",
            "grouped",
        }
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = {
            "id": integer("ID", readonly=True),
            **cls.FIELDS,
            "display_name": char("Display Name", computed=True),
            "create_date": datetime_field("Created on", readonly=True),
            "write_date": datetime_field("Last Updated on", readonly=True),
        }
        methods: dict[str, RpcSpec] = {}
        for klass in reversed(cls.__mro__):
            for attr, fn in vars(klass).items():
                spec = getattr(fn, "_rpc_spec", None)
                if isinstance(spec, RpcSpec):
                    methods[attr] = spec
        cls._methods = methods
        cls._private = cls.COMMON_PRIVATE | cls.PRIVATE

    def __init__(self, env: Env) -> None:
        self.env = env

    # -- values ---------------------------------------------------------

    def record(self, rec_id: int) -> Record:
        rec = self.env.store.get(self._name, rec_id)
        if rec is None:
            raise missing_error(self._name, [rec_id], self.env.uid)
        return rec

    def value(self, rec: Record, name: str) -> Any:
        if name == "id":
            return rec["id"]
        field = self._fields[name]
        if field.computed:
            compute = getattr(self, f"compute_{name}", None)
            if compute is not None:
                return compute(rec)
            if field.type == "one2many":
                return self._inverse_ids(rec["id"], field)
            return False
        current = rec.get(field.stored_as(name))
        if current is None:
            return [] if field.type in X2MANY else False
        return current

    def _inverse_ids(self, rec_id: int, field: Field) -> list[int]:
        # The store's index on the inverse field, not a scan of the comodel's table.
        return sorted(self.env.store.ids_with(field.relation, (field.inverse,), (rec_id,)))

    def related_ids(self, rec: Record, name: str) -> list[int]:
        current = self.value(rec, name)
        if isinstance(current, list):
            return list(current)
        return [current] if current else []

    def compute_display_name(self, rec: Record) -> str:
        return str(rec.get(self._rec_name) or f"{self._name},{rec['id']}")

    def display(self, rec_id: Any) -> str:
        rec = self.env.store.get(self._name, rec_id) if rec_id else None
        return self.compute_display_name(rec) if rec is not None else ""

    def export(self, rec: Record, name: str, load: str | None = "_classic_read") -> Any:
        field = self._fields[name]
        current = self.value(rec, name)
        if field.type == "many2one":
            if not current or not self.env.store.exists(field.relation, current):
                return False
            if load == "_classic_read":
                return [current, self.env[field.relation].display(current)]
            return current
        if field.type in X2MANY:
            return list(current or [])
        return False if current is None else current

    # -- checks ---------------------------------------------------------

    def check_fields(self, vals: Any) -> None:
        for key in vals:
            if key not in self._fields:
                raise ValueError(f"Invalid field {key!r} on model {self._name!r}")

    def existing(self, ids: list[int]) -> list[int]:
        """The ids that exist; MissingError for the others (write/unlink/actions)."""
        missing = [i for i in ids if not self.env.store.exists(self._name, i)]
        if missing:
            raise missing_error(self._name, missing, self.env.uid)
        return ids

    def check_values(self, values: Record) -> None:
        by_column = {f.stored_as(n): n for n, f in self._fields.items()}
        for column, current in values.items():
            name = by_column.get(column, column)
            field = self._fields.get(name)
            if field is None:
                continue
            if field.required and (current is False or current is None):
                raise not_null_error(self, name)
            if field.type == "many2one" and current and not self.env.store.exists(field.relation, current):
                raise foreign_key_error(self, name)

    def check_constraints(self, rec_id: int) -> None:
        """Model constraints after create/write (SQL and Python)."""

    def visible(self, rec: Record) -> bool:
        """Multi-company record rules: hide records of companies not in env.companies."""
        if "company_id" in self._fields and not self._fields["company_id"].computed:
            company = rec.get("company_id")
            return not company or company in self.env.company_ids()
        if "company_ids" in self._fields:
            return bool(set(rec.get("company_ids") or []) & set(self.env.company_ids()))
        return True

    # -- conversion -----------------------------------------------------

    def convert(self, name: str, raw: Any, current: Any = None) -> Any:
        field = self._fields[name]
        kind = field.type
        if kind == "many2one":
            if raw is False or raw is None or raw == 0:
                return False
            if isinstance(raw, (list, tuple)) and raw:
                raw = raw[0]
            if not isinstance(raw, int) or isinstance(raw, bool):
                raise ValueError(f"Wrong value for {self._name}.{name}: {raw!r}")
            return raw
        if kind == "many2many":
            return self._m2m(field, name, raw, list(current or []))
        if kind == "selection":
            if raw is False or raw is None:
                return False
            if raw not in field.selection:
                raise ValueError(f"Wrong value for {self._name}.{name}: {raw!r}")
            return raw
        if kind == "date":
            return to_date(raw)
        if kind in ("float", "monetary"):
            return float(raw or 0.0)
        if kind in ("integer", "many2one_reference"):
            return int(raw or 0)
        if kind == "boolean":
            return bool(raw)
        if kind == "json":
            return raw
        if raw is False or raw is None:
            return False
        return str(raw)

    def _m2m(self, field: Field, name: str, raw: Any, ids: list[int]) -> list[int]:
        if raw is False or raw is None:
            return []
        if not isinstance(raw, (list, tuple)):
            raise ValueError(f"Wrong value for {self._name}.{name}: {raw!r}")
        comodel = self.env[field.relation]
        for command in raw:
            if isinstance(command, int) and not isinstance(command, bool):
                ids = ids if command in ids else [*ids, command]
                continue
            if not isinstance(command, (list, tuple)) or not command:
                raise ValueError(f"Wrong value for {self._name}.{name}: {raw!r}")
            op = command[0]
            if op == 6:
                ids = list(dict.fromkeys(command[2] or []))
            elif op == 5:
                ids = []
            elif op == 4:
                ids = ids if command[1] in ids else [*ids, command[1]]
            elif op == 3:
                ids = [i for i in ids if i != command[1]]
            elif op == 0:
                ids = [*ids, *comodel.create_records([command[2]])]
            elif op == 1:
                comodel.write(comodel.existing([command[1]]), command[2])
            elif op == 2:
                comodel.unlink([command[1]])
                ids = [i for i in ids if i != command[1]]
            else:
                raise ValueError(f"Wrong value for {self._name}.{name}: {raw!r}")
        missing = [i for i in ids if not self.env.store.exists(field.relation, i)]
        if missing:
            raise missing_error(field.relation, missing, self.env.uid)
        return ids

    def apply_one2many(self, rec_id: int, name: str, commands: Any) -> None:
        field = self._fields[name]
        comodel = self.env[field.relation]
        for command in commands or []:
            op = command[0]
            if op == 0:
                comodel.create_records([{**command[2], field.inverse: rec_id}])
            elif op == 1:
                comodel.write(comodel.existing([command[1]]), command[2])
            elif op == 2:
                comodel.unlink([command[1]])
            elif op == 3:
                comodel.write(comodel.existing([command[1]]), {field.inverse: False})
            elif op == 4:
                comodel.write(comodel.existing([command[1]]), {field.inverse: rec_id})
            elif op in (5, 6):
                keep = set(command[2] or []) if op == 6 else set()
                for child in self._inverse_ids(rec_id, field):
                    if child not in keep:
                        comodel.write([child], {field.inverse: False})
                for child in keep:
                    comodel.write(comodel.existing([child]), {field.inverse: rec_id})
            else:
                raise ValueError(f"Wrong value for {self._name}.{name}: {commands!r}")

    def defaults(self) -> Record:
        values: Record = {}
        for name, field in self._fields.items():
            if field.computed or name == "id" or field.type == "one2many":
                continue
            default = field.default
            column = field.stored_as(name)
            if callable(default):
                values[column] = default(self)
            elif default is not None:
                values[column] = default
            else:
                values[column] = [] if field.type == "many2many" else False
        return values

    # -- generic CRUD -----------------------------------------------------

    def create_records(self, vals_list: list[Any]) -> list[int]:
        ids: list[int] = []
        for vals in vals_list:
            self.check_fields(vals)
            values = self.defaults()
            pending: dict[str, Any] = {}
            for name, raw in vals.items():
                field = self._fields[name]
                if field.computed or name == "id":
                    continue
                if field.type == "one2many":
                    pending[name] = raw
                    continue
                values[field.stored_as(name)] = self.convert(name, raw)
            self.check_values(values)
            rec_id = self.env.store.insert(self._name, values)
            for name, commands in pending.items():
                self.apply_one2many(rec_id, name, commands)
            ids.append(rec_id)
        for rec_id in ids:
            self.check_constraints(rec_id)
        return ids

    def write_records(self, ids: list[int], vals: dict[str, Any]) -> None:
        self.check_fields(vals)
        for rec_id in ids:
            rec = self.record(rec_id)
            values: Record = {}
            for name, raw in vals.items():
                field = self._fields[name]
                if field.computed or name == "id":
                    continue
                if field.type == "one2many":
                    self.apply_one2many(rec_id, name, raw)
                    continue
                column = field.stored_as(name)
                values[column] = self.convert(name, raw, rec.get(column))
            self.check_values(values)
            self.env.store.update(self._name, rec_id, values)
            self.check_constraints(rec_id)

    def check_unlink(self, ids: list[int]) -> None:
        """Hook for @api.ondelete checks."""

    def delete(self, rec_id: int) -> None:
        store = self.env.store
        for model_name, cls in self.env.db.registry.items():
            for fname, field in cls._fields.items():
                if field.relation != self._name or field.computed:
                    continue
                column = field.stored_as(fname)
                for other in list(store.table(model_name).values()):
                    current = other.get(column)
                    if field.type == "many2many" and isinstance(current, list) and rec_id in current:
                        store.update(model_name, other["id"], {column: [i for i in current if i != rec_id]})
                    elif field.type == "many2one" and current == rec_id and other["id"] != rec_id:
                        if field.ondelete == "restrict":
                            raise foreign_key_error(cls(self.env), fname)
                        if field.ondelete == "cascade":
                            cls(self.env).delete(other["id"])
                        else:
                            store.update(model_name, other["id"], {column: False})
        store.delete(self._name, rec_id)

    def search_ids(self, domain: Any, offset: int = 0, limit: int | None = None, order: str | None = None) -> list[int]:
        tokens = domains.normalize(domain)
        domains.validate(self, tokens)
        active_test = self.env.context.get("active_test", True)
        check_active = "active" in self._fields and active_test and not domains.has_active_leaf(tokens)
        store = self.env.store
        table = store.table(self._name)
        records: Any = table.values()
        narrowings = domains.equality_narrowings(self, tokens)
        if narrowings:
            # The most selective leaf, as a planner picks an index (module = '__finops__' holds
            # for every id the console records; its name in [...] for a few).
            name, values = min(narrowings, key=lambda n: sum(store.count_with(self._name, (n[0],), (v,)) for v in n[1]))
            candidates: set[int] = set()
            for v in values:
                candidates |= store.ids_with(self._name, (name,), (v,))
            records = [table[i] for i in sorted(candidates)]
        found = [
            rec
            for rec in records
            if (not check_active or rec.get("active")) and self.visible(rec) and domains.matches(self, rec, tokens)
        ]
        found = domains.sort_records(self, found, order)
        ids = [rec["id"] for rec in found]
        end = None if not limit else int(offset or 0) + int(limit)
        return ids[int(offset or 0) : end]

    def read_records(
        self, ids: list[int], fields: Any = None, load: str | None = "_classic_read"
    ) -> list[dict[str, Any]]:
        names = list(fields) if fields else [n for n in self._fields if n != "id"]
        for name in names:
            if name not in self._fields:
                raise ValueError(f"Invalid field {name!r} on model {self._name!r}")
        rows = []
        for rec_id in ids:
            rec = self.env.store.get(self._name, rec_id)
            if rec is None:
                continue
            row: dict[str, Any] = {"id": rec_id}
            for name in names:
                row[name] = self.export(rec, name, load)
            rows.append(row)
        return rows

    # -- RPC surface ------------------------------------------------------

    @rpc("model", mutates=True, counts="vals")
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            return self.create_records([vals_list])[0]
        return self.create_records(list(vals_list))

    @rpc("multi")
    def read(self, ids: list[int], fields: Any = None, load: str | None = "_classic_read") -> list[dict[str, Any]]:
        return self.read_records(ids, fields, load)

    @rpc("multi", mutates=True)
    def write(self, ids: list[int], vals: dict[str, Any]) -> bool:
        self.check_fields(vals)
        self.write_records(self.existing(ids), vals)
        return True

    @rpc("multi", mutates=True)
    def unlink(self, ids: list[int]) -> bool:
        self.existing(ids)
        self.check_unlink(ids)
        for rec_id in ids:
            if self.env.store.exists(self._name, rec_id):
                self.delete(rec_id)
        return True

    @rpc("model")
    def search(self, domain: Any, offset: int = 0, limit: int | None = None, order: str | None = None) -> list[int]:
        return self.search_ids(domain, offset, limit, order)

    @rpc("model")
    def search_count(self, domain: Any, limit: int | None = None) -> int:
        return len(self.search_ids(domain, 0, limit))

    @rpc("model")
    def search_read(
        self,
        domain: Any = None,
        fields: Any = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        load: str | None = "_classic_read",
    ) -> list[dict[str, Any]]:
        ids = self.search_ids(domain or [], offset, limit, order)
        return self.read_records(ids, fields, load)

    @rpc("model")
    def name_search(
        self, name: str = "", domain: Any = None, operator: str = "ilike", limit: int = 100
    ) -> list[list[Any]]:
        found = []
        for rec_id in self.search_ids(domain or []):
            label = self.display(rec_id)
            if not name or domains.compare_scalar(label, operator, name):
                found.append([rec_id, label])
        return found[:limit] if limit else found

    @rpc("model")
    def fields_get(self, allfields: Any = None, attributes: Any = None) -> dict[str, Any]:
        names = list(allfields) if allfields else list(self._fields)
        result: dict[str, Any] = {}
        for name in names:
            field = self._fields.get(name)
            if field is None:
                continue
            info = field.describe()
            if attributes:
                info = {k: v for k, v in info.items() if k in attributes}
            result[name] = info
        return result
