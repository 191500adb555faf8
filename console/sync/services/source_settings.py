"""An integration admin's settings of a source system: its name, whether it is active (an
inactive source's events are refused at ingestion and its webhooks answer 404), and, for a
webhook source, the names of the environment variables holding its signing secret and the
previous one during a rotation (never the secrets). Its kind and legal entity are set where it
is created (webhook_source_set, the commands): moving a source to another entity moves its
events' books."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from console.access.decorators import role_check
from console.access.roles import Role
from console.audit.actors import Actor
from console.audit.reasons import reason_checked
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import SyncError
from console.sync.models import WEBHOOK_KINDS, SourceSystem
from console.sync.models.sources import env_name_validator
from console.sync.selectors.sources import source_access

NAME_MAX = 100


class SourceNotFound(SyncError):
    """No such source, or one of nobody's entity the person holds: the same answer."""


@dataclass(frozen=True)
class SourceSettings:
    name: str
    is_active: bool
    secret_env: str = ""
    previous_secret_env: str = ""

    @classmethod
    def of(cls, source: SourceSystem) -> SourceSettings:
        return cls(source.name, source.is_active, source.secret_env, source.previous_secret_env)


def _env(value: str, what: str) -> str:
    try:
        env_name_validator(value)
    except ValidationError as err:
        raise SyncError(f"{what}: {value!r}: {' '.join(err.messages)}") from None
    return value


def _checked(source: SourceSystem, wanted: SourceSettings) -> SourceSettings:
    name = wanted.name.strip()
    if not name:
        raise SyncError("name: a source system needs a name")
    if len(name) > NAME_MAX:
        raise SyncError(f"name: {len(name)} characters, at most {NAME_MAX}")
    secret, previous = wanted.secret_env.strip(), wanted.previous_secret_env.strip()
    if source.kind in WEBHOOK_KINDS:
        if not secret:
            raise SyncError("secret variable: a webhook source needs the name of its secret's variable")
        _env(secret, "secret variable")
        if previous:
            _env(previous, "previous secret variable")
            if previous == secret:
                raise SyncError("previous secret variable: it needs a variable of its own, not the current secret's")
    elif secret or previous:
        raise SyncError("secret variable: only webhook sources (Shopify, Stripe) have a signing secret")
    return SourceSettings(name, wanted.is_active, secret, previous)


@transaction.atomic
def source_settings_change(
    *, code: str, user: Any | None, actor: Actor, settings: SourceSettings, reason: str
) -> tuple[SourceSystem, bool]:
    """Change the settings; returns the source and whether anything changed (nothing changed
    writes nothing). None for `user` is the shell."""
    doing = "changing a source system"
    if user is not None:
        role_check(user, Role.ADMIN, doing=doing)
    source = SourceSystem.objects.select_for_update(of=("self",)).filter(code=code).first()
    if source is None:
        raise SourceNotFound(f"no source system {code!r}")
    entity_code = ""
    if user is not None:
        found = source_access(user, code)
        if found is None:
            raise SourceNotFound(f"no source system {code!r}")
        if not found.changeable:
            raise PermissionDenied(f"{doing} {code!r} needs every legal entity it feeds")
        entity_code = found.entity_codes[0] if len(found.entity_codes) == 1 else ""
    wanted = _checked(source, settings)
    before = SourceSettings.of(source)
    if wanted == before:
        return source, False
    reason = reason_checked(reason, "changing a source system", SyncError)
    source.name, source.is_active = wanted.name, wanted.is_active
    source.secret_env, source.previous_secret_env = wanted.secret_env, wanted.previous_secret_env
    source.save(update_fields=["name", "is_active", "secret_env", "previous_secret_env"])
    changed = [key for key, value in asdict(wanted).items() if asdict(before)[key] != value]
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="source.settings_changed",
            object_type="source_system",
            object_id=str(source.pk),
            entity_code=entity_code,
            before={key: asdict(before)[key] for key in changed},
            after={key: asdict(wanted)[key] for key in changed},
            reason=reason,
        ),
    )
    return source, True
