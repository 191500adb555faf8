"""Matching an unmatched receipt (a payment posted naming no invoice) to the invoice it pays.

Three steps, so that the Odoo call is never made inside a transaction that could roll back:
1. `case_match_receipt` (a person, in one transaction): checks the role, the entity and the
   case, names the invoice, records a ReceiptMatch and the case's timeline and audit row,
   and sends the match to a worker once that commits;
2. `receipt_match_run` (the worker, no transaction around it): claims the match with a
   conditional update and a lease, finds the invoice in Odoo when it was named by its
   number, and applies the payment to it (integrations/odoo/outstanding.py), which checks in
   Odoo first that it was not applied already;
3. the outcome is recorded in one transaction: the match, and the case resolved with the
   match on its timeline (or told why not), with their audit rows.
A second message for the same match finds it claimed or done; a worker that died after Odoo
answered leaves a claim whose lease runs out, and the next one finds the payment applied in
Odoo and records it without a second call. Odoo not answering is retried with the posting
pipeline's backoff, up to POSTING_MAX_ATTEMPTS tries, by the sweeper (`receipt_matches_sweep`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from console.audit.actors import Actor
from console.casework.models import (
    ActivityKind,
    CaseState,
    ExceptionCase,
    MatchState,
    ReceiptMatch,
)
from console.casework.services.actions import _case, _no_match_in_flight, _open
from console.casework.services.states import CaseError, case_change
from console.casework.taxonomy import Category
from console.sync.models import EventKind, EventState, SyncEvent
from console.sync.services.connections import odoo_client_for
from console.sync.services.recording import DATABASE_GONE, retry_delay
from integrations.odoo.errors import ErrorKind, OdooError, internal_error
from integrations.odoo.outstanding import Applied, invoice_find, receipt_apply, settled_types

logger = logging.getLogger(__name__)
ACTOR = Actor.system("casework.receipt_match")
DOING = "matched with an invoice"
# The invoice events a receipt may name, by the side of the ledger it is with.
SETTLED_KINDS = {"customer": EventKind.CUSTOMER_INVOICE, "vendor": EventKind.VENDOR_CREDIT_NOTE}


class ClaimLost(Exception):
    """Another worker took the match over (this one's lease ran out): stop, write nothing."""


def _receipt(case: ExceptionCase) -> SyncEvent:
    if case.category != Category.UNMATCHED_RECEIPT:
        raise CaseError(f"case {case.pk} is not an unmatched receipt: only a receipt is matched with an invoice")
    event = case.the_event
    if event.state != EventState.POSTED or event.odoo_model != "account.payment" or not event.odoo_id:
        raise CaseError(f"event {event.pk} is not a payment posted to Odoo: there is nothing to match")
    return event


def _invoice_event(receipt: SyncEvent, ref: str) -> SyncEvent | None:
    """The invoice event with that external id in the receipt's entity: of the receipt's own
    source first, else of the one other source that has it (a Stripe receipt paying a Shopify
    order's invoice); posted, or CaseError saying it is not in Odoo yet."""
    payload = receipt.effective_payload
    side = payload.get("counterparty") or "customer"
    found = list(
        SyncEvent.objects.filter(
            entity_id=receipt.entity_id,
            kind=SETTLED_KINDS.get(side, EventKind.CUSTOMER_INVOICE),
            external_id=ref,
        )
        .select_related("source")
        .only("pk", "state", "kind", "odoo_model", "odoo_id", "odoo_name", "external_id", "source__code")
        .order_by("pk")[:10]
    )
    own = [event for event in found if event.source_id == receipt.source_id]
    if len({event.source_id for event in found}) > 1 and not own:
        sources = ", ".join(sorted({event.source.code for event in found}))
        raise CaseError(f"the sources {sources} each have an invoice {ref}: name it by its Odoo number instead")
    if not found:
        return None
    invoice = (own or found)[0]
    if invoice.state != EventState.POSTED or invoice.odoo_model != "account.move" or not invoice.odoo_id:
        raise CaseError(
            f"{invoice.get_kind_display().lower()} {ref} is {invoice.get_state_display().lower()}: it is not in "
            "Odoo yet; match the receipt once it has posted"
        )
    return invoice


@transaction.atomic
def case_match_receipt(*, user: Any, actor: Actor, case_id: int, invoice: str) -> ExceptionCase:
    """Ask for the case's receipt to be applied to `invoice`: the external id of an invoice
    event of the entity (_invoice_event), else an Odoo invoice number (INV/2026/00012) in the
    entity's company. The match is made by a worker; the case resolves when it is."""
    case = _case(user, case_id, "match_receipt")
    _open(case, DOING)
    receipt = _receipt(case)
    ref = (invoice or "").strip()
    if not ref:
        raise CaseError("name the invoice: its external id at the source, or its Odoo number")
    _no_match_in_flight(case)
    invoice_event = _invoice_event(receipt, ref)
    match = ReceiptMatch.objects.create(
        case=case,
        invoice_ref=ref[:200],
        invoice_event=invoice_event,
        odoo_invoice_id=invoice_event.odoo_id if invoice_event else None,
        odoo_invoice_name=invoice_event.odoo_name if invoice_event else "",
        requested_by=user,
        requested_at=timezone.now(),
    )
    named = f"invoice event {ref} ({invoice_event.odoo_name})" if invoice_event else f"Odoo invoice {ref}"
    case_change(
        case,
        actor=actor,
        kind=ActivityKind.MATCH_REQUESTED,
        to=CaseState.IN_PROGRESS,
        text=f"Match with {named} requested; Odoo is asked next.",
        data={"match": match.pk, "invoice": ref, "invoice_event": invoice_event.pk if invoice_event else None},
    )
    transaction.on_commit(lambda: receipt_match_send(match.pk))
    return case


def receipt_match_send(match_id: int) -> None:
    from console.casework.tasks import receipt_match

    receipt_match.delay(match_id)


def _lease() -> timedelta:
    return timedelta(seconds=settings.POSTING_LEASE_SECONDS)


def _claim(match_id: int) -> tuple[ReceiptMatch, uuid.UUID] | None:
    """Take the match if it waits, or if the worker that took it stopped renewing its lease."""
    now, claim = timezone.now(), uuid.uuid4()
    taken = (
        ReceiptMatch.objects.filter(pk=match_id)
        .filter(Q(state=MatchState.REQUESTED) | Q(state=MatchState.RUNNING, lease_until__lt=now))
        .update(state=MatchState.RUNNING, claim_id=claim, lease_until=now + _lease(), attempts=F("attempts") + 1)
    )
    if not taken:
        return None
    match = ReceiptMatch.objects.select_related("case__entity", "case__event", "invoice_event").get(pk=match_id)
    return match, claim


def _renew(match_id: int, claim: uuid.UUID) -> Callable[[], None]:
    def renew() -> None:
        now = timezone.now()
        held = ReceiptMatch.objects.filter(pk=match_id, state=MatchState.RUNNING, claim_id=claim).update(
            lease_until=now + _lease()
        )
        if not held:
            raise ClaimLost(f"match {match_id} was taken over")

    return renew


def receipt_match_run(*, match_id: int) -> str:
    """Carry out the match once (a worker's task); returns its state ("requested" again when
    Odoo could not be reached and it waits for its next try), or "nothing" when there was
    nothing to do."""
    claimed = _claim(match_id)
    if claimed is None:
        logger.info("receipt match %s: nothing to do (done, or another worker holds it)", match_id)
        return "nothing"
    match, claim = claimed
    event = match.case.the_event
    assert event.odoo_id is not None
    try:
        client = odoo_client_for(match.case.entity)
        invoice_id = match.odoo_invoice_id
        if invoice_id is None:
            kinds = settled_types(client, event.odoo_id)
            invoice_id = invoice_find(
                client, company_id=match.case.entity.odoo_company_id, number=match.invoice_ref, move_types=kinds
            )
        applied = receipt_apply(
            client, payment_id=event.odoo_id, invoice_id=invoice_id, before_write=_renew(match_id, claim)
        )
    except ClaimLost:
        logger.warning("receipt match %s: taken over by another worker; this one stops", match_id)
        return "nothing"
    except OdooError as err:
        if err.kind is ErrorKind.TRANSIENT and match.attempts < settings.POSTING_MAX_ATTEMPTS:
            return _release(match_id, claim, err)
        return _not_made(match_id, claim, err)
    except DATABASE_GONE:
        raise  # the task ends; the lease runs out and the sweeper sends the match again
    except Exception as exc:  # our own failure ends this match alone, named
        logger.exception("receipt match %s failed in the console", match_id)
        return _not_made(match_id, claim, internal_error("matching", exc))
    return _matched(match_id, claim, applied)


def _held(match_id: int, claim: uuid.UUID) -> ReceiptMatch | None:
    match = (
        ReceiptMatch.objects.select_for_update(of=("self",))
        .filter(pk=match_id, state=MatchState.RUNNING, claim_id=claim)
        .first()
    )
    if match is None:
        logger.warning("receipt match %s: the claim was taken over before its outcome was recorded", match_id)
    return match


def _case_locked(match: ReceiptMatch) -> ExceptionCase:
    return ExceptionCase.objects.select_for_update(of=("self",)).select_related("entity", "event").get(pk=match.case_id)


@transaction.atomic
def _matched(match_id: int, claim: uuid.UUID, applied: Applied) -> str:
    match = _held(match_id, claim)
    if match is None:
        return "nothing"
    match.state, match.finished_at, match.claim_id = MatchState.MATCHED, timezone.now(), None
    match.odoo_invoice_id, match.odoo_invoice_name = applied.invoice_id, applied.invoice_name
    match.amount, match.invoice_residual = applied.amount, applied.invoice_residual
    match.invoice_payment_state, match.payment_rest = applied.invoice_payment_state, applied.payment_rest
    left = f"; {applied.payment_rest:,} {applied.currency} of it stays outstanding" if applied.payment_rest else ""
    owed = f", which still owes {applied.invoice_residual:,}" if applied.invoice_residual else ", now paid"
    match.message = (
        f"{applied.payment_name} applied to {applied.invoice_name} in Odoo: {applied.amount:,} {applied.currency}"
        f"{owed}{left}." + (" It had been applied already; nothing was done twice." if applied.already else "")
    )
    match.save()
    case = _case_locked(match)
    data = {
        "match": match.pk,
        "invoice": applied.invoice_name,
        "odoo_invoice_id": applied.invoice_id,
        "amount": str(applied.amount),
        "invoice_payment_state": applied.invoice_payment_state,
        "invoice_residual": str(applied.invoice_residual),
        "payment_rest": str(applied.payment_rest),
        "already": applied.already,
    }
    if case.is_open:
        case_change(
            case,
            actor=ACTOR,
            kind=ActivityKind.MATCHED,
            to=CaseState.RESOLVED,
            text=match.message,
            data=data,
            fields={"resolution": f"matched with {applied.invoice_name}"[:200]},
        )
    return match.state


@transaction.atomic
def _not_made(match_id: int, claim: uuid.UUID, err: OdooError) -> str:
    match = _held(match_id, claim)
    if match is None:
        return "nothing"
    transient = err.kind is ErrorKind.TRANSIENT
    match.state = MatchState.FAILED if transient else MatchState.REFUSED
    match.finished_at, match.claim_id = timezone.now(), None
    match.reason_code = err.reason[:64]
    match.message = (
        f"Odoo could not be reached after {match.attempts} tries ({err.message}): nothing was matched; "
        "ask for the match again"
        if transient
        else f"Not matched with {match.invoice_ref}: {err.message}"
    )
    match.save()
    case = _case_locked(match)
    if case.is_open:
        case_change(
            case,
            actor=ACTOR,
            kind=ActivityKind.MATCH_NOT_MADE,
            text=match.message,
            data={"match": match.pk, "invoice": match.invoice_ref, "reason_code": err.reason},
        )
    return match.state


@transaction.atomic
def _release(match_id: int, claim: uuid.UUID, err: OdooError) -> str:
    """Odoo did not answer: the match waits for its next try, after a backoff (whatever reached
    Odoo is found applied then)."""
    match = _held(match_id, claim)
    if match is None:
        return "nothing"
    match.state, match.claim_id, match.lease_until = MatchState.REQUESTED, None, None
    match.next_attempt_at = timezone.now() + retry_delay(match.attempts)
    match.reason_code, match.message = err.reason[:64], f"Odoo could not be reached ({err.message}): trying again"
    match.save(update_fields=["state", "claim_id", "lease_until", "next_attempt_at", "reason_code", "message"])
    return match.state


def receipt_matches_sweep() -> int:
    """Send the matches due for another try, those whose message was lost (the broker down
    when it was requested) and those whose worker stopped without recording an outcome.
    Returns how many were sent."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.SWEEP_STALE_QUEUED_SECONDS)
    ids = list(
        ReceiptMatch.objects.filter(
            Q(state=MatchState.REQUESTED, next_attempt_at__lte=now)
            | Q(state=MatchState.REQUESTED, next_attempt_at__isnull=True, requested_at__lt=stale)
            | Q(state=MatchState.RUNNING, lease_until__lt=now)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    for match_id in ids:
        receipt_match_send(match_id)
    return len(ids)
