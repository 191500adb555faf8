"""Reading back what Odoo holds of one source's documents of one kind, for reconciliation.

Plain values in, plain values out: the console names the documents it posted (source, kind,
external id, the Odoo id it recorded) and gets, for each, the record Odoo holds now with its
state and amount, read in batches. Records are found as the poster finds them before creating
(poster.py): by their external id in ir.model.data (module __finops__), else by the marker
written on them (a move's ref; a payment's memo, its entry's ref in 17; a bank line's entry's
ref), else by the Odoo id recorded when it posted.

`marked_on` lists the records carrying the source's marker that Odoo created on one UTC day
(Odoo stores create_date in UTC), for the console to find the ones no event of its explains.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integrations.canonical import CENT
from integrations.odoo.builders import MOVE_TYPES
from integrations.odoo.client import OdooClient
from integrations.odoo.poster import MODEL_OF_KIND, MOVE, PAYMENT, STATEMENT_LINE, done_states
from integrations.odoo.requests import XMLID_MODULE, marker_for, xmlid_name_for
from integrations.odoo.versions import OdooVersion

BATCH = 200


@dataclass(frozen=True)
class Posted:
    """One document the console posted (or meant to): `key` is the console's own name for it."""

    key: str
    source: str
    kind: str
    external_id: str
    odoo_id: int | None = None

    @property
    def marker(self) -> str:
        return marker_for(self.source, self.external_id)


@dataclass(frozen=True)
class OdooRecord:
    """A record as Odoo holds it now. `amount` is what the console compares with the amount it
    posted: an invoice's or credit note's untaxed amount (what its lines add up to), a journal
    entry's total (its debits), a payment's or bank line's amount (signed for a bank line)."""

    model: str
    odoo_id: int
    name: str
    marker: str
    state: str
    in_books: bool
    amount: Decimal
    currency: str
    created_at: str


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _money(value: Any) -> Decimal:
    # Odoo answers doubles; the amounts it holds are rounded to the currency (two decimals at most).
    return Decimal(repr(float(value or 0))).quantize(CENT)


def _name_of(value: Any) -> str:
    return str(value[1]) if isinstance(value, list | tuple) and len(value) > 1 else ""


def _id_of(value: Any) -> int | None:
    return int(value[0]) if isinstance(value, list | tuple) and value else None


class ReadBack:
    def __init__(self, client: OdooClient, *, company_id: int, kind: str, batch: int = BATCH) -> None:
        self.client = client
        self.company_id = company_id
        self.kind = kind
        self.model = MODEL_OF_KIND[kind]
        self.batch = batch
        self._version: OdooVersion | None = None

    @property
    def version(self) -> OdooVersion:
        if self._version is None:
            self._version = self.client.odoo_version()
        return self._version

    # --- the records of documents we posted ------------------------------------

    def records_of(self, posted: Sequence[Posted]) -> dict[str, OdooRecord]:
        """The record Odoo holds of each document, by its key; a document Odoo has no record of
        (never created, or deleted) is left out."""
        ids: dict[str, int] = {}
        for chunk in _chunks(list(posted), self.batch):
            ids.update(self._by_xmlid(chunk))
            rest = [p for p in chunk if p.key not in ids]
            if rest:
                ids.update(self._by_marker(rest))
            ids.update({p.key: p.odoo_id for p in rest if p.key not in ids and p.odoo_id})
        records = self.read(sorted(set(ids.values())))
        return {key: records[odoo_id] for key, odoo_id in ids.items() if odoo_id in records}

    def _by_xmlid(self, posted: Sequence[Posted]) -> dict[str, int]:
        names = {xmlid_name_for(p.source, p.kind, p.external_id): p for p in posted}
        rows = self.client.search_read(
            "ir.model.data", [["module", "=", XMLID_MODULE], ["name", "in", list(names)]], ["name", "model", "res_id"]
        )
        return {names[str(r["name"])].key: int(r["res_id"]) for r in rows if r["model"] == self.model}

    def _by_marker(self, posted: Sequence[Posted]) -> dict[str, int]:
        by_marker = {p.marker: p for p in posted}
        found: dict[str, int] = {}
        for odoo_id, marker in self._marked([[self._marker_field, "in", list(by_marker)]]):
            if marker in by_marker:
                found.setdefault(by_marker[marker].key, odoo_id)
        return found

    # --- records carrying a source's marker, created on one day ------------------

    def marked_on(self, *, source: str, day: dt.date) -> list[OdooRecord]:
        """Every record of this kind carrying `source`'s marker that Odoo created on `day` (UTC)."""
        start = dt.datetime.combine(day, dt.time.min)
        end = start + dt.timedelta(days=1)
        prefix = marker_for(source, "")
        # A source code may hold "_", a one-character wildcard here: the prefix is checked again below.
        domain = [
            [self._marker_field, "=like", prefix + "%"],
            ["create_date", ">=", f"{start:%Y-%m-%d %H:%M:%S}"],
            ["create_date", "<", f"{end:%Y-%m-%d %H:%M:%S}"],
        ]
        ids = [odoo_id for odoo_id, marker in self._marked(domain) if marker.startswith(prefix)]
        records = self.read(ids)
        return [records[i] for i in ids if i in records]

    # --- shared ------------------------------------------------------------------

    @property
    def _marker_field(self) -> str:
        return self.version.payment_memo if self.model == PAYMENT else "ref"

    def _marked(self, leaves: list[Any]) -> Iterator[tuple[int, str]]:
        """(record id, marker) of the records of this kind and company matching `leaves`, paged
        by id. A bank line's marker is on its journal entry."""
        if self.model == PAYMENT:
            model, extra, fields = PAYMENT, [], ["id", self._marker_field]
        elif self.model == STATEMENT_LINE:
            model, extra, fields = MOVE, [["statement_line_id", "!=", False]], ["id", "ref", "statement_line_id"]
        else:
            model, extra, fields = MOVE, [["move_type", "=", MOVE_TYPES[self.kind]]], ["id", "ref"]
        last = 0
        while True:
            domain = [*leaves, *extra, ["company_id", "=", self.company_id], ["id", ">", last]]
            rows = self.client.search_read(model, domain, fields, limit=self.batch, order="id")
            for row in rows:
                marker = str(row.get(fields[1]) or "")
                if self.model == STATEMENT_LINE:
                    line = _id_of(row.get("statement_line_id"))
                    if line is not None:
                        yield line, marker
                else:
                    yield int(row["id"]), marker
            if len(rows) < self.batch:
                return
            last = int(rows[-1]["id"])

    def read(self, ids: Sequence[int]) -> dict[int, OdooRecord]:
        found: dict[int, OdooRecord] = {}
        for chunk in _chunks(list(ids), self.batch):
            for row in self.client.read(self.model, list(chunk), self._fields):
                record = self._record(row)
                found[record.odoo_id] = record
        if self.model == STATEMENT_LINE:
            found = self._with_entry_refs(found)
        return found

    @property
    def _fields(self) -> list[str]:
        common = ["name", "state", "currency_id", "create_date"]
        if self.model == PAYMENT:
            return [*common, "amount", self._marker_field]
        if self.model == STATEMENT_LINE:
            return [*common, "amount", "move_id"]
        return [*common, "ref", "amount_total" if self.kind == "journal_entry" else "amount_untaxed"]

    def _record(self, row: dict[str, Any]) -> OdooRecord:
        if self.model == PAYMENT:
            amount, marker = row.get("amount"), row.get(self._marker_field)
        elif self.model == STATEMENT_LINE:
            amount, marker = row.get("amount"), _id_of(row.get("move_id"))
        else:
            amount = row.get("amount_total" if self.kind == "journal_entry" else "amount_untaxed")
            marker = row.get("ref")
        state = str(row.get("state") or "")
        return OdooRecord(
            model=self.model,
            odoo_id=int(row["id"]),
            name=str(row.get("name") or ""),
            marker=str(marker or ""),
            state=state,
            in_books=state in done_states(self.model, self.version),
            amount=_money(amount),
            currency=_name_of(row.get("currency_id")),
            created_at=str(row.get("create_date") or ""),
        )

    def _with_entry_refs(self, lines: dict[int, OdooRecord]) -> dict[int, OdooRecord]:
        """A bank line's marker is its journal entry's ref (read above as the entry's id)."""
        entries = sorted({int(r.marker) for r in lines.values() if r.marker})
        refs: dict[int, str] = {}
        for chunk in _chunks(entries, self.batch):
            refs.update({int(r["id"]): str(r.get("ref") or "") for r in self.client.read(MOVE, list(chunk), ["ref"])})
        return {
            i: OdooRecord(**{**r.__dict__, "marker": refs.get(int(r.marker), "") if r.marker else ""})
            for i, r in lines.items()
        }
