"""Reading mappings for the editor: what is in force, each row's history, the Odoo
targets to choose from, and the change requests a person may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from console.access.selectors import restrict_to_entities
from console.mappings.models import (
    KIND_MODELS,
    ChangeRequest,
    ChangeState,
    Mapping,
    OdooReference,
    ReferenceRefresh,
)
from console.sync.models import LegalEntity


def _in_force() -> Q:
    now = timezone.now()
    return Q(valid_from__lte=now, odoo_id__isnull=False) & (Q(valid_to__isnull=True) | Q(valid_to__gt=now))


def mappings_current(entity: LegalEntity, kind: str, search: str = "") -> QuerySet[Mapping]:
    """The version of each code in force now (retired codes left out), by code."""
    rows = Mapping.objects.filter(_in_force(), entity=entity, kind=kind)
    if search:
        rows = rows.filter(Q(source_value__icontains=search) | Q(odoo_label__icontains=search))
    return rows.order_by("source_value")


def mappings_in_force_counts(entity_ids: list[int]) -> dict[tuple[int, str], int]:
    """How many codes of each (entity, kind) are mapped now: one query for the overview."""
    rows = (
        Mapping.objects.filter(_in_force(), entity_id__in=entity_ids)
        .values("entity_id", "kind")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("entity_id", "kind", "n")
    )
    return {(entity_id, kind): n for entity_id, kind, n in rows}


def mappings_scheduled(entity: LegalEntity, kind: str) -> QuerySet[Mapping]:
    """Versions that take effect later (an approved change with a future start)."""
    return Mapping.objects.filter(entity=entity, kind=kind, valid_from__gt=timezone.now()).order_by("valid_from")


def mapping_history(entity: LegalEntity, kind: str, source_value: str) -> list[Mapping]:
    return list(Mapping.objects.filter(entity=entity, kind=kind, source_value=source_value).order_by("-version"))


def targets_for(entity: LegalEntity, kind: str) -> list[OdooReference]:
    """The records a mapping of this kind may point at in this entity: active, of its company."""
    rows = OdooReference.objects.filter(entity=entity, model=KIND_MODELS[kind], active=True).order_by("label")
    return [r for r in rows if not r.company_ids or entity.odoo_company_id in r.company_ids]


def reference_refreshed(entity: LegalEntity, kind: str) -> ReferenceRefresh | None:
    return ReferenceRefresh.objects.filter(entity=entity, model=KIND_MODELS[kind]).first()


def requests_visible(user: Any) -> QuerySet[ChangeRequest]:
    rows = ChangeRequest.objects.select_related("entity", "requested_by", "decided_by")
    return restrict_to_entities(rows, user)


def request_get(user: Any, request_id: int) -> ChangeRequest | None:
    return requests_visible(user).filter(pk=request_id).first()


@dataclass(frozen=True)
class DiffRow:
    position: int
    op: str
    op_label: str
    kind: str
    source_value: str
    before: str
    before_version: int | None
    after: str
    applied_version: int | None


def request_diff(request: ChangeRequest) -> list[DiffRow]:
    """Each row as before -> after, the before being the version in force when it was written."""
    return [
        DiffRow(
            position=row.position,
            op=row.op,
            op_label=row.get_op_display(),
            kind=row.kind,
            source_value=row.source_value,
            before=(f"{row.replaces.odoo_label} (Odoo id {row.replaces.odoo_id})" if row.replaces else "not mapped"),
            before_version=row.replaces.version if row.replaces else None,
            after=(f"{row.odoo_label} (Odoo id {row.odoo_id})" if row.odoo_id is not None else "retired"),
            applied_version=row.applied_version.version if row.applied_version else None,
        )
        for row in request.rows.select_related("replaces", "applied_version")
    ]


def waiting_for(user: Any) -> QuerySet[ChangeRequest]:
    """Submitted requests a controller could decide: not their own."""
    return requests_visible(user).filter(state=ChangeState.SUBMITTED).exclude(requested_by=user)
