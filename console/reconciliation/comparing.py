"""Comparing a day three ways, on plain values: what the source says, what the console received
and posted, what Odoo holds. Nothing here reads or writes the database or Odoo; runs.py does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from console.casework.taxonomy import Category
from console.reconciliation.figures import Figures
from integrations.odoo.readback import OdooRecord


@dataclass(frozen=True)
class DayEvent:
    """One event of the day, as the comparison needs it."""

    pk: int
    external_id: str
    state: str
    amount: Decimal
    currency: str
    odoo_name: str = ""


@dataclass(frozen=True)
class Found:
    """One difference, before it is stored: `key` names it within its day."""

    key: str
    category: Category
    message: str
    amount: Decimal
    currency: str
    event_id: int | None = None
    record: OdooRecord | None = None
    expected: Decimal | None = None
    subject: str = ""


@dataclass
class Comparison:
    received: Figures
    posted: Figures
    odoo: Figures
    differences: list[Found] = field(default_factory=list)


def _record_words(record: OdooRecord) -> str:
    return f"{record.model} {record.odoo_id} ({record.name or 'no number'}, {record.marker or 'no marker'})"


def events_compare(
    events: Sequence[DayEvent], records: Mapping[str, OdooRecord], *, dismissed: str = "dismissed", posted: str
) -> Comparison:
    """Each event of the day beside the record Odoo holds of it (`records` by str(event id))."""
    live = [e for e in events if e.state != dismissed]
    out = Comparison(
        received=Figures.of((e.amount, e.currency) for e in events),
        posted=Figures.of((e.amount, e.currency) for e in events if e.state == posted),
        odoo=Figures.of((r.amount, r.currency) for r in records.values() if r.in_books),
    )
    for event in live:
        record = records.get(str(event.pk))
        key = f"event:{event.pk}"
        if event.state != posted:
            if record is None or not record.in_books:
                out.differences.append(
                    Found(
                        key,
                        Category.NOT_IN_ODOO,
                        f"Event {event.external_id} of {event.amount:,} {event.currency} was received but is "
                        f"{event.state.replace('_', ' ')}: Odoo holds nothing of it in the books.",
                        event.amount,
                        event.currency,
                        event_id=event.pk,
                        expected=event.amount,
                    )
                )
            continue
        posted_as = event.odoo_name or "its record"
        if record is None:
            message = f"Event {event.external_id} posted as {posted_as}, which Odoo no longer has (deleted in Odoo)."
            out.differences.append(
                Found(key, Category.NOT_IN_ODOO, message, event.amount, event.currency, event.pk, expected=event.amount)
            )
        elif not record.in_books:
            out.differences.append(
                Found(
                    key,
                    Category.CANCELLED_IN_ODOO,
                    f"Event {event.external_id} posted as {record.name or posted_as}, which is now "
                    f"{record.state or 'in no state'} in Odoo: it is no longer in the books.",
                    event.amount,
                    event.currency,
                    event.pk,
                    record,
                    expected=event.amount,
                )
            )
        elif record.amount != event.amount or record.currency != event.currency:
            out.differences.append(
                Found(
                    key,
                    Category.AMOUNT_DIFFERS,
                    f"Event {event.external_id} posted {event.amount:,} {event.currency} as {record.name}; Odoo now "
                    f"holds {record.amount:,} {record.currency or '?'}: it was edited after posting.",
                    abs(record.amount - event.amount) if record.currency == event.currency else event.amount,
                    event.currency,
                    event.pk,
                    record,
                    expected=event.amount,
                )
            )
    return out


def unknown_add(out: Comparison, unknown: Iterable[OdooRecord], *, flow_name: str) -> None:
    """Records with our marker that no event explains: in Odoo's figures, and each a difference."""
    for record in unknown:
        out.odoo.add(record.amount, record.currency)
        out.differences.append(
            Found(
                f"odoo:{record.model}:{record.odoo_id}",
                Category.UNKNOWN_IN_ODOO,
                f"Odoo holds {_record_words(record)} of {record.amount:,} {record.currency}, carrying the marker of "
                f"{flow_name}, but no event of ours has that marker.",
                record.amount,
                record.currency,
                record=record,
                subject=f"Odoo {_record_words(record)}",
            )
        )


def source_total_compare(out: Comparison, source: Figures | None, *, flow_name: str, day: str, currency: str) -> None:
    """The source's control total against what the console received of the day."""
    if source is None or source.agrees(out.received):
        return
    currencies = set(source.amounts) | set(out.received.amounts)
    gaps = {c: source.amounts.get(c, Decimal(0)) - out.received.amounts.get(c, Decimal(0)) for c in currencies}
    largest = max(gaps, key=lambda c: abs(gaps[c]), default=currency)
    message = f"The source says {source.words()} for {flow_name} on {day}; the console received {out.received.words()}."
    out.differences.append(
        Found(
            "source_total",
            Category.SOURCE_TOTAL,
            message,
            abs(gaps.get(largest, Decimal(0))),
            largest,
            subject=f"{flow_name}, {day}: source says {source.count}, we received {out.received.count}",
        )
    )
