"""Creating a legal entity, a source system that is not a webhook source, and a flow: the rows the
configuration pages then change (entity_config.py, source_settings.py, flow_settings.py). Each is
one audited service, used by seed_demo and open to the shell (`user` None) or an integration admin.

A new entity's materiality threshold is set here at once, not proposed: creation is not a change.
No value was in force before, so no case, override or posting hold can have relied on one, and the
maker-checker of threshold_change_propose guards every later change of it. The audit row records
the initial threshold, and who set it.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import VIEW_ENTITY, access_memo_forget
from console.audit.actors import Actor
from console.audit.reasons import reason_checked
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import ConfigError, SyncError
from console.sync.models import WEBHOOK_KINDS, EventKind, Flow, LegalEntity, SourceKind, SourceSystem
from console.sync.models.entities import code_validator
from console.sync.services.entity_config import (
    EntitySettings,
    entity_settings_checked,
    entity_settings_json,
    threshold_parse,
)
from console.sync.services.flow_pause import flow_entity_check
from console.sync.services.flow_settings import FlowSettings, flow_settings_checked

SOURCE_NAME_MAX = 100


def _code(code: str, what: str) -> str:
    code = (code or "").strip()
    try:
        code_validator(code)
    except ValidationError as err:
        raise ConfigError(f"{what}: {code!r}: {' '.join(err.messages)}") from None
    return code


@transaction.atomic
def entity_create(
    *,
    user: Any | None,
    actor: Actor,
    code: str,
    settings: EntitySettings,
    materiality_threshold: Decimal | str,
    reason: str,
) -> LegalEntity:
    """A new legal entity. An admin creating it is granted it in the same transaction (nobody
    else holds a new entity, and access is only granted by an admin holding it); the shell
    grants it to nobody (create_user does)."""
    doing = "creating a legal entity"
    if user is not None:
        role_check(user, Role.ADMIN, doing=doing)
    reason = reason_checked(reason, doing, ConfigError)
    code = _code(code, "code")
    if LegalEntity.objects.filter(code__iexact=code).exists():
        raise ConfigError(f"code: a legal entity {code!r} exists already")
    wanted = entity_settings_checked(settings, user)
    threshold = threshold_parse(str(materiality_threshold))
    entity = LegalEntity.objects.create(
        code=code,
        name=wanted.name,
        odoo_company_id=wanted.odoo_company_id,
        currency=wanted.currency,
        connection_id=wanted.connection_id,
        materiality_threshold=threshold,
    )
    granted: list[str] = []
    if user is not None:
        from guardian.shortcuts import assign_perm

        assign_perm(VIEW_ENTITY, user, entity)
        access_memo_forget()
        granted.append(user.get_username())
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="entity.created",
            object_type="legal_entity",
            object_id=str(entity.pk),
            entity_code=entity.code,
            after={
                "code": code,
                **entity_settings_json(wanted),
                "materiality_threshold": str(threshold),
                "granted_to": granted,
            },
            reason=reason,
        ),
    )
    return entity


@transaction.atomic
def source_create(*, user: Any | None, actor: Actor, code: str, name: str, kind: str, reason: str) -> SourceSystem:
    """A source system that sends through the ingestion API or files. It feeds no entity until a
    service account of it does (service_account_tokens.source_token_create). A Shopify or Stripe
    source is made by webhook_source_set, which needs its entity and secret variable."""
    doing = "creating a source system"
    if user is not None:
        role_check(user, Role.ADMIN, doing=doing)
    reason = reason_checked(reason, doing, ConfigError)
    code = _code(code, "code")
    if kind in WEBHOOK_KINDS:
        raise ConfigError(f"kind: a {kind} source receives webhooks: create it with webhook_source")
    if kind not in SourceKind.values:
        kinds = ", ".join(k for k in SourceKind.values if k not in WEBHOOK_KINDS)
        raise ConfigError(f"kind: {kind!r} is not one of {kinds}")
    name = (name or "").strip()
    if not name or len(name) > SOURCE_NAME_MAX:
        raise ConfigError(f"name: 1 to {SOURCE_NAME_MAX} characters")
    if SourceSystem.objects.filter(code=code).exists():
        raise ConfigError(f"code: a source system {code!r} exists already")
    source = SourceSystem(code=code, name=name, kind=kind)
    source.save()  # save(): the field history records it too
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="source.created",
            object_type="source_system",
            object_id=str(source.pk),
            after={"code": code, "name": name, "kind": kind, "is_active": True},
            reason=reason,
        ),
    )
    return source


@transaction.atomic
def flow_create(
    *, user: Any | None, actor: Actor, source_code: str, event_kind: str, settings: FlowSettings, reason: str
) -> Flow:
    """A flow of a source for one kind of Odoo record. An admin must hold every entity the source
    feeds, as for a change of the flow."""
    doing = "creating a flow"
    if user is not None:
        role_check(user, Role.ADMIN, doing=doing)
    reason = reason_checked(reason, doing, ConfigError)
    try:
        wanted = flow_settings_checked(settings)
    except SyncError as err:
        raise ConfigError(str(err)) from None
    if event_kind not in EventKind.values:
        raise ConfigError(f"kind: {event_kind!r} is not one of {', '.join(EventKind.values)}")
    source = SourceSystem.objects.filter(code=source_code).first()
    if source is None:
        raise ConfigError(f"source: no source system {source_code!r}")
    if Flow.objects.filter(source=source, event_kind=event_kind).exists():
        raise ConfigError(f"a flow of {source_code} for {event_kind} exists already")
    flow = Flow.objects.create(source=source, event_kind=event_kind, **asdict(wanted))
    # After the row exists: its reach is the source's; a refusal rolls the row back with the rest.
    entity_code = flow_entity_check(user, flow, doing=doing)
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="flow.created",
            object_type="flow",
            object_id=str(flow.pk),
            entity_code=entity_code,
            after={"source": source.code, "event_kind": event_kind, **asdict(wanted)},
            reason=reason,
        ),
    )
    return flow
