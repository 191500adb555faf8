"""A legal entity's configuration, changed by an integration admin of the entity: its name, Odoo
company, currency and connection at once; its materiality threshold only through a proposal that
a controller of the entity approves (never the proposer). Until then every materiality check
(casework, posting holds) reads the old threshold, because the entity row keeps it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.audit.actors import Actor
from console.audit.reasons import reason_checked
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import ConfigError, ConfigNotFound
from console.sync.models import LegalEntity, OdooConnection, PendingState, ThresholdChange

NAME_MAX = 200
# Odoo's ids are PostgreSQL integers.
MAX_ODOO_ID = 2**31 - 1
THRESHOLD_MAX = Decimal("9999999999999999.99")  # 18 digits, 2 decimals
CURRENCY = re.compile(r"^[A-Z]{3}$")
DECIDERS = (Role.CONTROLLER,)


@dataclass(frozen=True)
class EntitySettings:
    name: str
    odoo_company_id: int
    currency: str
    connection_id: int | None

    @classmethod
    def of(cls, entity: LegalEntity) -> EntitySettings:
        return cls(entity.name, entity.odoo_company_id, entity.currency, entity.connection_id)


def entity_locked(user: Any, entity_id: int) -> LegalEntity:
    """The entity, locked, if the person holds it; an entity they do not hold is not named."""
    rows = LegalEntity.objects.select_for_update(of=("self",)).filter(pk=entity_id)
    entity = rows.filter(pk__in=entity_ids_visible(user)).first()
    if entity is None:
        raise ConfigNotFound(f"no legal entity {entity_id} among yours")
    return entity


def connections_usable(user: Any) -> list[OdooConnection]:
    """The connections this person may point an entity at: each of whose entities they hold."""
    held = set(entity_ids_visible(user))
    usable = []
    for conn in OdooConnection.objects.order_by("name").prefetch_related("legalentity_set"):
        if {e.pk for e in conn.legalentity_set.all()} <= held:
            usable.append(conn)
    return usable


def entity_settings_checked(wanted: EntitySettings, user: Any | None) -> EntitySettings:
    """The values as they will be stored, or ConfigError naming the field. None for `user` is
    the shell, which may name any connection."""
    name = wanted.name.strip()
    if not name or len(name) > NAME_MAX:
        raise ConfigError(f"name: 1 to {NAME_MAX} characters")
    if not 0 < wanted.odoo_company_id <= MAX_ODOO_ID:
        raise ConfigError(f"Odoo company: the company's id in Odoo, 1 to {MAX_ODOO_ID:,}")
    currency = wanted.currency.strip().upper()
    if not CURRENCY.match(currency):
        raise ConfigError(f"currency: {wanted.currency!r} is not an ISO 4217 code (three letters, as USD)")
    if wanted.connection_id is not None:
        usable = OdooConnection.objects.all() if user is None else connections_usable(user)
        if wanted.connection_id not in {c.pk for c in usable}:
            raise ConfigError("connection: no such connection among those of your legal entities")
    return EntitySettings(name, wanted.odoo_company_id, currency, wanted.connection_id)


def entity_settings_json(settings: EntitySettings) -> dict[str, Any]:
    values = asdict(settings)
    conn = settings.connection_id
    values["connection"] = (
        OdooConnection.objects.filter(pk=conn).values_list("name", flat=True).first() if conn else None
    )
    del values["connection_id"]
    return values


@transaction.atomic
def entity_settings_change(
    *, user: Any, actor: Actor, entity_id: int, settings: EntitySettings, reason: str
) -> tuple[LegalEntity, bool]:
    """Change what the admin may change at once; returns the entity and whether anything changed."""
    role_check(user, Role.ADMIN, doing="changing a legal entity")
    entity = entity_locked(user, entity_id)
    wanted = entity_settings_checked(settings, user)
    before = EntitySettings.of(entity)
    if wanted == before:
        return entity, False
    reason = reason_checked(reason, "changing a legal entity", ConfigError)
    entity.name, entity.odoo_company_id, entity.currency, entity.connection_id = (
        wanted.name,
        wanted.odoo_company_id,
        wanted.currency,
        wanted.connection_id,
    )
    entity.save(update_fields=["name", "odoo_company_id", "currency", "connection"])
    was, now = entity_settings_json(before), entity_settings_json(wanted)
    changed = [key for key in now if was[key] != now[key]]
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="entity.settings_changed",
            object_type="legal_entity",
            object_id=str(entity.pk),
            entity_code=entity.code,
            before={key: was[key] for key in changed},
            after={key: now[key] for key in changed},
            reason=reason,
        ),
    )
    return entity, True


def threshold_parse(text: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation as err:
        raise ConfigError(f"materiality threshold: {text!r} is not an amount") from err
    if not value.is_finite() or value <= 0 or value > THRESHOLD_MAX:
        raise ConfigError("materiality threshold: an amount above 0 in the entity's currency")
    if value != value.quantize(Decimal("0.01")):
        raise ConfigError("materiality threshold: at most 2 decimals")
    return value.quantize(Decimal("0.01"))


def _threshold_audit(change: ThresholdChange, actor: Actor, action: str, reason: str, *, in_force: Decimal) -> None:
    """Before: the threshold in force before the step; after: in force after it, with the proposal."""
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action=f"entity.threshold_{action}",
            object_type="legal_entity",
            object_id=str(change.entity_id),
            entity_code=change.entity.code,
            before={"materiality_threshold": str(change.threshold_before)},
            after={
                "materiality_threshold": str(in_force),
                "proposed": str(change.threshold_after),
                "state": str(change.state),
                "proposed_by": change.proposed_by.get_username(),
            },
            reason=reason,
            correlation_id=f"threshold-change:{change.pk}",
        ),
    )


@transaction.atomic
def threshold_change_propose(
    *, user: Any, actor: Actor, entity_id: int, threshold: Decimal | str, reason: str
) -> ThresholdChange:
    """A proposal; the entity keeps its threshold until a controller of it approves."""
    doing = "proposing a materiality threshold"
    role_check(user, Role.ADMIN, doing=doing)
    entity = entity_locked(user, entity_id)
    value = threshold_parse(str(threshold))
    reason = reason_checked(reason, doing, ConfigError)
    if value == entity.materiality_threshold:
        raise ConfigError(f"materiality threshold: it is {value:,.2f} already")
    pending = ThresholdChange.objects.filter(entity=entity, state=PendingState.PENDING).first()
    if pending is not None:
        raise ConfigError(
            f"materiality threshold: {pending.threshold_after:,.2f} proposed by "
            f"{pending.proposed_by.get_username()} waits for a controller; it is decided first"
        )
    change = ThresholdChange.objects.create(
        entity=entity,
        threshold_before=entity.materiality_threshold,
        threshold_after=value,
        reason=reason,
        proposed_by=user,
        proposed_at=timezone.now(),
    )
    _threshold_audit(change, actor, "proposed", reason, in_force=change.threshold_before)
    return change


def _pending_locked(user: Any, change_id: int) -> ThresholdChange:
    rows = ThresholdChange.objects.select_for_update(of=("self",)).select_related("entity", "proposed_by")
    change = rows.filter(pk=change_id, entity__in=entity_ids_visible(user)).first()
    if change is None:
        raise ConfigNotFound(f"no threshold change {change_id} among your legal entities")
    if change.proposed_by_id == user.pk:
        raise PermissionDenied("you proposed this threshold: another person, a controller of the entity, decides it")
    if not change.is_pending:
        raise ConfigError(f"threshold change {change.pk} is {change.get_state_display().lower()} already")
    return change


@transaction.atomic
def threshold_change_decide(*, user: Any, actor: Actor, change_id: int, approve: bool, note: str) -> ThresholdChange:
    """A controller of the entity, not the proposer, approves (the threshold changes now) or
    rejects (it stays) with a note."""
    doing = "deciding a materiality threshold"
    role_check(user, *DECIDERS, doing=doing)
    change = _pending_locked(user, change_id)
    note = (note or "").strip()
    if not approve:
        note = reason_checked(note, "a rejection", ConfigError)
    entity = LegalEntity.objects.select_for_update(of=("self",)).get(pk=change.entity_id)
    if entity.materiality_threshold != change.threshold_before:
        raise ConfigError(
            f"the threshold is {entity.materiality_threshold:,.2f} now, not {change.threshold_before:,.2f} "
            "as when this was proposed: reject it"
        )
    change.state = PendingState.APPROVED if approve else PendingState.REJECTED
    change.decided_by, change.decided_at, change.decision_note = user, timezone.now(), note
    change.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if approve:
        entity.materiality_threshold = change.threshold_after
        entity.save(update_fields=["materiality_threshold"])
    _threshold_audit(
        change,
        actor,
        "approved" if approve else "rejected",
        note or change.reason,
        in_force=entity.materiality_threshold,
    )
    return change
