"""Posting a batch of documents into Odoo exactly once.

For every request, before anything is created:
1. its external id (ir.model.data, module __finops__) is looked up: found means
   an earlier attempt got through, whatever happened to its answer;
2. else its marker (a move's ref; a payment's memo, its entry's ref in Odoo 17;
   a bank line's entry's ref, and unique_import_id where it exists) is searched: found means a
   create committed but its external id was never recorded (a timeout, a
   killed worker); the external id is recorded now;
3. only then is it created, many in one call, and its external id recorded in
   the next call. Drafts left by an earlier failed post are rewritten with the
   current values (an override) and posted, never created again.

A record Odoo refuses is isolated by splitting the batch (isolation.py); a
transient or configuration error ends the batch and every request not yet
done gets that error, to be retried or fixed as a whole.

`before_write` runs before every call that writes to Odoo; the console uses it
to renew its claim on the events and to stop if another worker took them over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from integrations.canonical import BankStatementLine, Invoice, JournalEntry, Partner, Payment
from integrations.odoo import builders
from integrations.odoo.access import UserAccess, user_access_cached
from integrations.odoo.client import OdooClient
from integrations.odoo.errors import ErrorKind, OdooError, internal_error, returned_none
from integrations.odoo.isolation import run_isolated
from integrations.odoo.partners import partner_xmlid_name, partners_resolve
from integrations.odoo.requests import XMLID_MODULE, PostingRequest, PostingResult
from integrations.odoo.versions import OdooVersion

MOVE = "account.move"
PAYMENT = "account.payment"
STATEMENT_LINE = "account.bank.statement.line"
MODEL_OF_KIND = {
    "customer_invoice": MOVE,
    "vendor_bill": MOVE,
    "customer_credit_note": MOVE,
    "vendor_credit_note": MOVE,
    "journal_entry": MOVE,
    "payment": PAYMENT,
    "bank_statement_line": STATEMENT_LINE,
}


# The states that mean a move or a bank line is in the books; a payment's depend on the version
# (versions.py): posted in 17, in process (on the outstanding account, waiting for its bank
# line) or paid from 18.
DONE_STATES = {
    MOVE: frozenset({"posted"}),
    STATEMENT_LINE: frozenset({"posted"}),
}
# States someone in Odoo put the record in after it was created: it is not in the books, and
# creating it again would undo their decision. Payments say "canceled" (one l) from 18, moves
# (and 17's payments, which are moves) "cancel".
REFUSED_STATES = {
    MOVE: {"cancel": ("cancelled_in_odoo", "cancelled")},
    STATEMENT_LINE: {"cancel": ("cancelled_in_odoo", "cancelled")},
}


def done_states(model: str, version: OdooVersion) -> frozenset[str]:
    return version.payment_posted if model == PAYMENT else DONE_STATES[model]


def refused_states(model: str, version: OdooVersion) -> dict[str, tuple[str, str]]:
    if model != PAYMENT:
        return REFUSED_STATES[model]
    found = {version.payment_cancelled: ("cancelled_in_odoo", "cancelled")}
    if version.payment_rejected:
        found[version.payment_rejected] = ("rejected_in_odoo", "rejected")
    return found


def _refusal(model: str, state: str, what: str, version: OdooVersion) -> OdooError | None:
    found = refused_states(model, version).get(state)
    if found is None:
        return None
    reason, verb = found
    return OdooError(
        ErrorKind.DATA, reason, f"{what} was {verb} in Odoo; it will not be created again.", detail=f"state={state}"
    )


def _noop() -> None:
    return None


class OdooPoster:
    def __init__(
        self,
        client: OdooClient,
        *,
        before_write: Callable[[], None] = _noop,
        access: Callable[[OdooClient], UserAccess] = user_access_cached,
    ) -> None:
        self.client = client
        self.before_write = before_write
        self.access = access
        self._results: dict[str, PostingResult] = {}
        self._found_earlier: set[str] = set()
        self._xmlids: dict[str, tuple[str, int]] = {}
        self._version: OdooVersion | None = None

    @property
    def version(self) -> OdooVersion:
        """The server's field names, read once per connection (OdooClient.odoo_version)."""
        if self._version is None:
            self._version = self.client.odoo_version()
        return self._version

    # --- entry point ---------------------------------------------------------

    def post(self, requests: Sequence[PostingRequest]) -> list[PostingResult]:
        """Post one kind for one company; returns a result per request, in order."""
        if not requests:
            return []
        kinds = {r.kind for r in requests}
        companies = {r.targets.company_id for r in requests}
        if len(kinds) != 1 or len(companies) != 1:
            raise ValueError("a posting batch holds one kind for one company")
        self._results = {}
        self._found_earlier = set()
        model = MODEL_OF_KIND[requests[0].kind]
        try:
            _ = self.version  # an unsupported server fails the batch before any lookup
            self._xmlids = self._lookup_xmlids(list(requests), PARTNERS_OF_MODEL[model])
            if model == MOVE:
                self._post_moves(list(requests))
            elif model == PAYMENT:
                self._post_payments(list(requests))
            else:
                self._post_statement_lines(list(requests))
        except OdooError as err:
            # A failure outside the isolated steps (a lookup, a read-back) concerns
            # every request not yet settled.
            for req in requests:
                self._results.setdefault(req.key, PostingResult(key=req.key, error=err))
        return [self._results[req.key] for req in requests]

    # --- shared steps --------------------------------------------------------

    def _reject(self, req: PostingRequest, err: OdooError) -> None:
        self._results[req.key] = PostingResult(key=req.key, error=err)

    def _build(self, req: PostingRequest, build: Callable[[PostingRequest], dict[str, Any]]) -> dict[str, Any] | None:
        """One request's Odoo values; a request they cannot be built for is rejected alone."""
        try:
            return build(req)
        except OdooError as err:
            self._reject(req, err)
        except Exception as exc:  # noqa: BLE001 - our own bug on this record must not sink the batch
            self._reject(req, internal_error("preparing", exc))
        return None

    def _pending(self, requests: list[PostingRequest]) -> list[PostingRequest]:
        return [r for r in requests if r.key not in self._results]

    def _lookup_xmlids(
        self, requests: list[PostingRequest], partners_of: Callable[[Any], list[Partner]]
    ) -> dict[str, tuple[str, int]]:
        """Step 1, one call for the batch: the external ids recorded for its events and its partners."""
        company = requests[0].targets.company_id
        names = [r.xmlid_name for r in requests]
        names += sorted({partner_xmlid_name(company, p) for r in requests for p in partners_of(r.document)})
        rows = self.client.search_read(
            "ir.model.data",
            [["module", "=", XMLID_MODULE], ["name", "in", names]],
            ["name", "model", "res_id"],
        )
        return {str(row["name"]): (str(row["model"]), int(row["res_id"])) for row in rows}

    def _known_ids(self, requests: list[PostingRequest], model: str) -> dict[str, int]:
        """The Odoo id of every request whose external id is recorded."""
        found = {}
        for req in requests:
            recorded = self._xmlids.get(req.xmlid_name)
            if recorded is not None and recorded[0] == model:
                found[req.key] = recorded[1]
        self._found_earlier.update(found)
        return found

    def _record_xmlids(self, model: str, pairs: list[tuple[PostingRequest, int]]) -> None:
        def create(chunk: list[tuple[PostingRequest, int]]) -> list[int]:
            self.before_write()
            vals = [{"module": XMLID_MODULE, "name": r.xmlid_name, "model": model, "res_id": i} for r, i in chunk]
            return self.client.create_many("ir.model.data", vals)

        def rejected(pair: tuple[PostingRequest, int], err: OdooError) -> None:
            # Recorded concurrently: the record exists and is ours either way.
            if err.reason != "duplicate":
                self._reject(pair[0], err)

        run_isolated(pairs, create, rejected)

    def _partners(
        self, requests: list[PostingRequest], partners_of: Callable[[Any], list[Partner]]
    ) -> dict[Partner, int]:
        wanted = {p for r in requests for p in partners_of(r.document)}
        company = requests[0].targets.company_id if requests else 0
        claimed = {}
        for partner in wanted:
            recorded = self._xmlids.get(partner_xmlid_name(company, partner))
            if recorded is not None and recorded[0] == "res.partner":
                claimed[partner] = recorded[1]
        resolved = partners_resolve(
            self.client, company_id=company, partners=wanted, before_write=self.before_write, claimed=claimed
        )
        ids: dict[Partner, int] = {}
        for partner, value in resolved.items():
            if isinstance(value, int):
                ids[partner] = value
        for req in requests:
            for partner in partners_of(req.document):
                failure = resolved.get(partner)
                if isinstance(failure, OdooError):
                    self._reject(req, failure)
                    break
        return ids

    def _finish(self, model: str, ids_by_key: dict[str, int], existed: set[str]) -> None:
        ids = sorted({i for k, i in ids_by_key.items() if k not in self._results})
        if not ids:
            return
        # A bank line's own name is its entry's number (Odoo 18 delegates it to account.move); its
        # entry's display name would add the ref and outgrow what a number needs.
        fields = ["name", "state", "move_id" if model == PAYMENT else "date"]
        rows = {int(row["id"]): row for row in self.client.read(model, ids, fields)}
        dates = self._accounting_dates(model, rows)
        for key, odoo_id in ids_by_key.items():
            if key in self._results:
                continue
            row = rows.get(odoo_id)
            if row is None:
                self._results[key] = PostingResult(
                    key=key,
                    error=OdooError(
                        ErrorKind.DATA,
                        "missing_record",
                        f"Odoo {model} {odoo_id} recorded for this event no longer exists.",
                    ),
                )
                continue
            name = str(row.get("name") or "")
            state = str(row.get("state") or "")
            refused = _refusal(model, state, f"Odoo {model} {odoo_id} ({name or 'no number'})", self.version)
            if refused is not None or state not in done_states(model, self.version):
                self._results[key] = PostingResult(
                    key=key,
                    error=refused
                    or OdooError(
                        ErrorKind.DATA,
                        "not_posted",
                        f"Odoo {model} {odoo_id} ({name or 'no number'}) is {state or 'in no state'}, not posted.",
                    ),
                )
                continue
            self._results[key] = PostingResult(
                key=key,
                odoo_model=model,
                odoo_id=odoo_id,
                odoo_name=name,
                odoo_state=state,
                accounting_date=dates.get(odoo_id),
                already_existed=key in existed,
                found_earlier=key in self._found_earlier,
            )

    def _accounting_dates(self, model: str, rows: dict[int, dict[str, Any]]) -> dict[int, dt.date]:
        """Where each record landed: a move's or bank line's `date`; a payment's journal entry's
        (Odoo 18 moves the entry past a lock date, not the payment's own date)."""
        if model != PAYMENT:
            return {i: dt.date.fromisoformat(str(row["date"])) for i, row in rows.items() if row.get("date")}
        moves = {i: row["move_id"][0] for i, row in rows.items() if isinstance(row.get("move_id"), list | tuple)}
        if not moves:
            return {}
        found = {int(r["id"]): r["date"] for r in self.client.read(MOVE, sorted(set(moves.values())), ["date"])}
        return {i: dt.date.fromisoformat(str(found[m])) for i, m in moves.items() if found.get(m)}

    def _states(self, model: str, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        return {int(row["id"]): str(row["state"]) for row in self.client.read(model, ids, ["state"])}

    def _check_states(
        self, requests: list[PostingRequest], model: str, found: dict[str, int]
    ) -> tuple[list[PostingRequest], set[str]]:
        """Split found records into drafts to finish and ones already done; one cancelled,
        rejected or deleted in Odoo is a failure, never created again."""
        states = self._states(model, list(found.values()))
        drafts: list[PostingRequest] = []
        done: set[str] = set()
        for req in requests:
            if req.key not in found:
                continue
            odoo_id = found[req.key]
            state = states.get(odoo_id)
            what = f"The Odoo {model} {odoo_id} posted for this event"
            if state == "draft":
                drafts.append(req)
            elif state is None:
                self._reject(
                    req,
                    OdooError(
                        ErrorKind.DATA,
                        "missing_record",
                        f"{what} was deleted in Odoo; it will not be created again.",
                    ),
                )
            elif (refused := _refusal(model, state, what, self.version)) is not None:
                self._reject(req, refused)
            else:
                done.add(req.key)
        return drafts, done

    # --- account.move: invoices, bills, their credit notes, journal entries ---

    def _post_moves(self, requests: list[PostingRequest]) -> None:
        found = self._known_ids(requests, MOVE)
        rest = [r for r in requests if r.key not in found]
        if rest:
            move_type = builders.MOVE_TYPES[rest[0].kind]
            rows = self.client.search_read(
                MOVE,
                [
                    ["ref", "in", [r.marker for r in rest]],
                    ["move_type", "=", move_type],
                    ["company_id", "=", rest[0].targets.company_id],
                ],
                ["id", "ref"],
                order="id",
            )
            by_marker: dict[str, int] = {}
            for row in rows:
                by_marker.setdefault(str(row["ref"]), int(row["id"]))
            recovered = [(r, by_marker[r.marker]) for r in rest if r.marker in by_marker]
            self._found_earlier.update(r.key for r, _ in recovered)
            self._record_xmlids(MOVE, recovered)
            found.update({r.key: i for r, i in recovered})
            rest = [r for r in rest if r.key not in found]

        drafts, done = self._check_states(requests, MOVE, found)
        partner_ids = self._partners(rest + drafts, _move_partners)
        vals: dict[str, dict[str, Any]] = {}
        for req in self._pending(rest + drafts):
            built = self._build(req, lambda r: builders.move_vals(r, partner_ids))
            if built is not None:
                vals[req.key] = built

        def create(chunk: list[PostingRequest]) -> list[int]:
            self.before_write()
            return self.client.create_many(MOVE, [vals[r.key] for r in chunk])

        to_post = [r for r in self._pending(drafts) if r.key in vals]
        for req in to_post:
            self._rewrite_draft(req, found[req.key], vals[req.key])
        for chunk, ids in run_isolated([r for r in self._pending(rest) if r.key in vals], create, self._reject):
            pairs = list(zip(chunk, ids, strict=True))
            found.update({r.key: i for r, i in pairs})
            self._record_xmlids(MOVE, pairs)
            to_post.extend(chunk)

        def post(chunk: list[PostingRequest]) -> None:
            self.before_write()
            self.client.call(MOVE, "action_post", [found[r.key] for r in chunk])

        run_isolated(self._pending(to_post), post, self._reject)
        self._finish(MOVE, found, done)

    def _rewrite_draft(self, req: PostingRequest, move_id: int, vals: dict[str, Any]) -> None:
        self.before_write()
        try:
            self.client.execute(MOVE, "write", [move_id], builders.move_replace_vals(vals))
        except OdooError as err:
            if err.kind is not ErrorKind.DATA:
                raise
            self._reject(req, err)

    # --- account.bank.statement.line -----------------------------------------

    def _post_statement_lines(self, requests: list[PostingRequest]) -> None:
        found = self._known_ids(requests, STATEMENT_LINE)
        rest = [r for r in requests if r.key not in found]
        if rest:
            found.update(self._statement_lines_by_marker(rest))
            rest = [r for r in rest if r.key not in found]
        existed = set(found)
        if rest:
            # Odoo grants creating bank lines to fewer users than any other kind: name the
            # missing group now rather than meet Fault 4 on the create.
            refused = self.access(self.client).refusal(requests[0].kind)
            if refused is not None:
                for req in rest:
                    self._reject(req, refused)
                rest = []
        partner_ids = self._partners(rest, _statement_partners)
        with_import_id = self.client.has_field(STATEMENT_LINE, "unique_import_id") if rest else False
        vals: dict[str, dict[str, Any]] = {}

        def line_vals(req: PostingRequest) -> dict[str, Any]:
            doc = req.document
            assert isinstance(doc, BankStatementLine)
            partner_id = None if doc.partner is None else partner_ids[doc.partner]
            return builders.statement_line_vals(req, doc, partner_id, with_import_id=with_import_id)

        for req in self._pending(rest):
            built = self._build(req, line_vals)
            if built is not None:
                vals[req.key] = built

        def create(chunk: list[PostingRequest]) -> list[int]:
            self.before_write()
            return self.client.create_many(STATEMENT_LINE, [vals[r.key] for r in chunk])

        clashed: list[PostingRequest] = []

        def rejected(req: PostingRequest, err: OdooError) -> None:
            # unique_import_id clash: the line exists already (created by a lost attempt).
            if err.reason == "duplicate":
                clashed.append(req)
            else:
                self._reject(req, err)

        for chunk, ids in run_isolated([r for r in rest if r.key in vals], create, rejected):
            pairs = list(zip(chunk, ids, strict=True))
            found.update({r.key: i for r, i in pairs})
            self._record_xmlids(STATEMENT_LINE, pairs)
        if clashed:
            recovered = self._statement_lines_by_marker(clashed)
            found.update(recovered)
            existed.update(recovered)
            for req in clashed:
                if req.key not in recovered:
                    self._reject(req, OdooError(ErrorKind.DATA, "duplicate", "Odoo refused a duplicate bank line."))
        self._finish(STATEMENT_LINE, found, existed)

    def _statement_lines_by_marker(self, requests: list[PostingRequest]) -> dict[str, int]:
        """Bank lines whose create committed but whose external id was never recorded, by the
        marker in their journal entry's ref."""
        by_marker = {r.marker: r for r in requests}
        rows = self.client.search_read(
            MOVE,
            [
                ["ref", "in", list(by_marker)],
                ["statement_line_id", "!=", False],
                ["company_id", "=", requests[0].targets.company_id],
            ],
            ["ref", "statement_line_id"],
            order="id",
        )
        recovered: dict[str, tuple[PostingRequest, int]] = {}
        for row in rows:
            req = by_marker[str(row["ref"])]
            line = row["statement_line_id"]
            if req.key not in recovered and isinstance(line, list | tuple) and line:
                recovered[req.key] = (req, int(line[0]))
        self._found_earlier.update(recovered)
        self._record_xmlids(STATEMENT_LINE, list(recovered.values()))
        return {key: line_id for key, (_, line_id) in recovered.items()}

    # --- account.payment -----------------------------------------------------

    def _payments_by_memo(self, requests: list[PostingRequest], *, earlier: bool = True) -> dict[str, int]:
        """Payments by the marker in their memo (18+) or their entry's ref (17)."""
        by_marker = {r.marker: r for r in requests}
        memo = self.version.payment_memo
        rows = self.client.search_read(
            PAYMENT,
            [[memo, "in", list(by_marker)], ["company_id", "=", requests[0].targets.company_id]],
            ["id", memo],
            order="id",
        )
        ids: dict[str, int] = {}
        for row in rows:
            req = by_marker[str(row[memo])]
            ids.setdefault(req.key, int(row["id"]))
        if earlier:
            self._found_earlier.update(ids)
        return ids

    def _post_payments(self, requests: list[PostingRequest]) -> None:
        found = self._known_ids(requests, PAYMENT)
        rest = [r for r in requests if r.key not in found]
        if rest:
            recovered = self._payments_by_memo(rest)
            self._record_xmlids(PAYMENT, [(r, recovered[r.key]) for r in rest if r.key in recovered])
            found.update(recovered)
            rest = [r for r in rest if r.key not in found]
        drafts, done = self._check_states(requests, PAYMENT, found)

        def post(chunk: list[PostingRequest]) -> None:
            self.before_write()
            self._payment_action_post([found[r.key] for r in chunk])

        run_isolated(drafts, post, self._reject)
        partner_ids = self._partners([r for r in rest if r.targets.invoice_move_id is None], _payment_partners)
        for req in self._pending(rest):
            vals = self._build(req, lambda r: _payment_vals(r, partner_ids, self.version))
            if vals is None:
                continue
            try:
                found[req.key] = self._create_payment(req, vals)
            except OdooError as err:
                if err.kind is not ErrorKind.DATA:
                    raise
                self._reject(req, err)
        self._finish(PAYMENT, found, done)

    def _payment_action_post(self, ids: list[int]) -> None:
        """account.payment.action_post returns None (17, 18 and 19), and Odoo's XML-RPC
        marshaller refuses None: the call commits, then answers Fault 1. The
        state read back in _finish is what tells whether the payment posted."""
        try:
            self.client.call(PAYMENT, "action_post", ids)
        except OdooError as err:
            if not returned_none(err):
                raise

    def _create_payment(self, req: PostingRequest, vals: dict[str, Any]) -> int:
        """vals: the wizard's when the payment settles an invoice, else the payment's."""
        invoice_id = req.targets.invoice_move_id
        self.before_write()
        if invoice_id is not None:
            context = {"active_model": MOVE, "active_ids": [invoice_id]}
            wizard = self.client.create("account.payment.register", vals, context=context)
            self.before_write()
            self.client.call("account.payment.register", "action_create_payments", [wizard], context=context)
            payment_id = self._payments_by_memo([req], earlier=False).get(req.key)
            if payment_id is None:
                raise OdooError(ErrorKind.DATA, "missing_record", "Odoo registered no payment for the invoice.")
        else:
            payment_id = self.client.create(PAYMENT, vals)
            self._record_xmlids(PAYMENT, [(req, payment_id)])
            self.before_write()
            self._payment_action_post([payment_id])
            return payment_id
        self._record_xmlids(PAYMENT, [(req, payment_id)])
        return payment_id


def _payment_vals(req: PostingRequest, partner_ids: dict[Partner, int], version: OdooVersion) -> dict[str, Any]:
    doc = req.document
    assert isinstance(doc, Payment)
    if req.targets.invoice_move_id is not None:
        return builders.payment_register_vals(req, doc)
    return builders.payment_vals(req, doc, partner_ids[builders.document_partner(doc)], version)


# A document without its partner is refused when its values are built (builders.document_partner).
def _move_partners(doc: Any) -> list[Partner]:
    if isinstance(doc, Invoice):
        return [doc.partner] if doc.partner is not None else []
    if isinstance(doc, JournalEntry):
        return [line.partner for line in doc.lines if line.partner is not None]
    return []


def _statement_partners(doc: Any) -> list[Partner]:
    return [doc.partner] if isinstance(doc, BankStatementLine) and doc.partner is not None else []


def _payment_partners(doc: Any) -> list[Partner]:
    return [doc.partner] if isinstance(doc, Payment) and doc.partner is not None else []


PARTNERS_OF_MODEL: dict[str, Callable[[Any], list[Partner]]] = {
    MOVE: _move_partners,
    STATEMENT_LINE: _statement_partners,
    PAYMENT: _payment_partners,
}
