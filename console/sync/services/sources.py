"""Webhook sources: a source system that receives signed deliveries (console/sources), the names
of the environment variables holding its signing secret, the legal entity it posts for, its own
service account and its flows. One service, audited, for the command and the configuration pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entities_visible
from console.access.services import AccessError, source_account_ensure
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import SyncError
from console.sync.models import WEBHOOK_KINDS, Flow, LegalEntity, SourceKind, SourceSystem
from console.sync.models.entities import code_validator
from console.sync.models.sources import env_name_validator


@dataclass(frozen=True)
class FlowSpec:
    """A flow a webhook source needs: one per kind of event its provider's payloads become."""

    kind: str
    name: str
    business_process: str


@dataclass
class SourceSaved:
    source: SourceSystem
    created: bool
    flows_created: list[str] = field(default_factory=list)


def _settings(source: SourceSystem) -> dict[str, Any]:
    return {
        "name": source.name,
        "kind": source.kind,
        "entity": source.entity.code if source.entity else "",
        "secret_env": source.secret_env,
        "previous_secret_env": source.previous_secret_env,
        "options": source.webhook_options,
        "is_active": source.is_active,
    }


def _checked(value: str, validator: Any, what: str) -> str:
    try:
        validator(value)
    except ValidationError as err:
        raise SyncError(f"{what} {value!r}: {' '.join(err.messages)}") from None
    return value


@transaction.atomic
def webhook_source_set(
    *,
    actor: Actor,
    user: Any | None,
    code: str,
    kind: str,
    entity_code: str,
    secret_env: str,
    previous_secret_env: str = "",
    name: str = "",
    options: Mapping[str, Any] | None = None,
    flows: Sequence[FlowSpec] = (),
) -> SourceSaved:
    """Create or update the webhook source `code` and the flows it needs (existing flows keep
    their settings). `user` is the integration admin doing it from a page; None is the shell
    (manage.py), as for the other configuration commands. The secrets themselves are never
    given here: only the names of the variables that hold them. `options`: what the provider's
    reader is told, checked by the caller against the reader's options (None keeps them)."""
    if user is not None:
        role_check(user, Role.ADMIN, doing="configuring a webhook source")
    if kind not in WEBHOOK_KINDS:
        raise SyncError(f"{kind!r} is not a webhook kind: use one of {', '.join(WEBHOOK_KINDS)}")
    _checked(code, code_validator, "source code")
    _checked(secret_env, env_name_validator, "secret variable")
    if previous_secret_env:
        _checked(previous_secret_env, env_name_validator, "previous secret variable")
        if previous_secret_env == secret_env:
            raise SyncError("the previous secret needs a variable of its own, not the current secret's")
    entity = LegalEntity.objects.filter(code=entity_code).first()
    if entity is None or (user is not None and not entities_visible(user).filter(pk=entity.pk).exists()):
        # An entity the admin does not hold is not named as existing.
        raise SyncError(f"unknown legal entity {entity_code!r}")

    source = SourceSystem.objects.select_for_update(of=("self",)).select_related("entity").filter(code=code).first()
    created = source is None
    before = None if source is None else _settings(source)
    if source is None:
        source = SourceSystem(code=code, name=name or f"{SourceKind(kind).label.split(' (')[0]} {code}")
    elif name:
        source.name = name
    source.kind = kind
    source.entity = entity
    source.secret_env = secret_env
    source.previous_secret_env = previous_secret_env
    if options is not None:
        source.webhook_options = dict(options)
    source.save()  # save(), not update(): the field history records it too
    try:
        source.service_account = source_account_ensure(source=source, entity=entity, actor=actor)
    except AccessError as err:
        raise SyncError(str(err)) from err
    source.save(update_fields=["service_account"])

    flows_created = []
    for spec in flows:
        if Flow.objects.filter(source=source, event_kind=spec.kind).exists():
            continue
        Flow.objects.create(source=source, event_kind=spec.kind, name=spec.name, business_process=spec.business_process)
        flows_created.append(spec.kind)
    after = _settings(source)
    if before != after or flows_created:
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="source.webhook_configured",
                object_type="source_system",
                object_id=str(source.pk),
                entity_code=entity.code,
                before=before,
                after={**after, "flows_created": flows_created},
            ),
        )
    return SourceSaved(source=source, created=created, flows_created=flows_created)
