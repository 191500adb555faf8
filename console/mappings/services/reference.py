"""Odoo's reference data for the mapping editor: read through the connector, kept with the
time it was read, and the check every chosen target goes through.

A target that Odoo does not have, has archived, or gives to another company is refused
with a message that says which, so no mapping points at something Odoo will reject.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entities_visible
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.mappings.models import KIND_MODELS, OdooReference, ReferenceRefresh
from console.sync.models import LegalEntity
from console.sync.services.connections import odoo_client_for
from integrations.odoo.errors import OdooError
from integrations.odoo.reference import ReferenceRecord, reference_fetch

REFRESHERS = (Role.OPERATOR, Role.CONTROLLER)


class ReferenceError(Exception):
    """Odoo could not be read, or a chosen target is not one Odoo would accept."""


class EntityNotFound(Exception):
    pass


def entity_for(user: Any, code: str) -> LegalEntity:
    """One of the user's legal entities, by code; the same answer for one that exists elsewhere."""
    entity = entities_visible(user).filter(code=code).first()
    if entity is None:
        raise EntityNotFound(f"no legal entity {code!r} among yours")
    return entity


def reference_refresh(*, user: Any, actor: Actor, entity_code: str, kinds: list[str] | None = None) -> dict[str, int]:
    role_check(user, *REFRESHERS, doing="refreshing Odoo's reference data")
    return reference_refresh_entity(entity_for(user, entity_code), actor=actor, kinds=kinds)


def reference_refresh_entity(entity: LegalEntity, *, actor: Actor, kinds: list[str] | None = None) -> dict[str, int]:
    """Read the target models of these kinds (all by default) from the entity's Odoo and
    replace what was kept of them; returns the number of records per model."""
    models = sorted({KIND_MODELS[kind] for kind in (kinds or KIND_MODELS)})
    fetched: dict[str, list[ReferenceRecord]] = {}
    client = odoo_client_for(entity)
    # Read everything before writing anything: a refresh that fails half-way keeps the last one.
    for model in models:
        try:
            fetched[model] = reference_fetch(client, model)
        except OdooError as err:
            raise ReferenceError(f"Odoo's {model} records for {entity.code} could not be read: {err}") from err
    now = timezone.now()
    with transaction.atomic():
        for model, records in fetched.items():
            OdooReference.objects.filter(entity=entity, model=model).delete()
            OdooReference.objects.bulk_create(
                OdooReference(
                    entity=entity,
                    model=model,
                    odoo_id=r.odoo_id,
                    label=r.label[:300],
                    company_ids=list(r.company_ids),
                    active=r.active,
                )
                for r in records
            )
            ReferenceRefresh.objects.update_or_create(
                entity=entity,
                model=model,
                defaults={"refreshed_at": now, "refreshed_by": actor.label, "records": len(records)},
            )
        counts = {model: len(records) for model, records in fetched.items()}
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="odoo.reference_refreshed",
                object_type="odoo_reference",
                object_id=entity.code,
                entity_code=entity.code,
                after=counts,
            ),
        )
    return counts


class Targets:
    """The kept Odoo records that many rows point at, read in two queries, not two per row
    (a CSV import checks up to 5,000)."""

    def __init__(self, entity: LegalEntity, wanted: Iterable[tuple[str, int]]) -> None:
        self.entity = entity
        pairs = {(KIND_MODELS[kind], odoo_id) for kind, odoo_id in wanted}
        models = {model for model, _ in pairs}
        self.refreshed = {r.model: r for r in ReferenceRefresh.objects.filter(entity=entity, model__in=models)}
        rows = OdooReference.objects.filter(entity=entity, model__in=models, odoo_id__in={i for _, i in pairs})
        self.records = {(r.model, r.odoo_id): r for r in rows}

    def check(self, kind: str, odoo_id: int) -> OdooReference:
        """The record a mapping of this kind may point at, or ReferenceError saying why not."""
        model, entity = KIND_MODELS[kind], self.entity
        refreshed = self.refreshed.get(model)
        if refreshed is None:
            raise ReferenceError(
                f"Odoo's {model} records for {entity.code} were never read: refresh the reference data"
            )
        record = self.records.get((model, odoo_id))
        when = timezone.localtime(refreshed.refreshed_at).strftime("%Y-%m-%d %H:%M %Z")
        if record is None:
            raise ReferenceError(
                f"Odoo has no {model} with id {odoo_id} for {entity.code} (as read {when}; refresh if it is new)"
            )
        if not record.active:
            raise ReferenceError(f"{record.label} ({model} {odoo_id}) is archived in Odoo")
        if record.company_ids and entity.odoo_company_id not in record.company_ids:
            companies = ", ".join(str(c) for c in record.company_ids)
            raise ReferenceError(
                f"{record.label} ({model} {odoo_id}) belongs to another Odoo company ({companies}), "
                f"not to {entity.code}'s company {entity.odoo_company_id}"
            )
        return record
