"""CSV statement profiles kept by the console: saved by integration admins, audited, and found
by name at each CSV upload (a stored profile first, else one of integrations/bank's ready-made
ones)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sources.file_models import StatementProfile
from integrations.bank.csv_profile import CsvProfile, ProfileRefused, profile_named, profile_names
from integrations.bank.statement import FileRefused


@dataclass(frozen=True)
class ProfileSaved:
    profile: StatementProfile
    created: bool
    changed: bool


def _checked(name: str, definition: Mapping[str, Any]) -> dict[str, Any]:
    """The definition as CsvProfile reads it back: what is stored is what will read the files."""
    if "name" in definition and definition["name"] != name:
        raise ProfileRefused("name", f"the definition names itself {str(definition['name'])[:40]!r}, not {name!r}")
    return CsvProfile.from_dict({**definition, "name": name}).to_dict()


@transaction.atomic
def statement_profile_save(
    *,
    name: str,
    definition: Mapping[str, Any],
    user: Any | None,
    actor: Actor,
    reason: str = "",
) -> ProfileSaved:
    """Create or change the CSV profile `name` (ProfileRefused naming the field that is wrong). A
    change needs a reason: files read with the old definition keep its name, and the audit record
    keeps both definitions. A stored profile of a ready-made one's name is used instead of it."""
    if user is not None:
        role_check(user, Role.ADMIN, doing="saving a CSV statement profile")
    checked = _checked(name, definition)
    row = StatementProfile.objects.select_for_update().filter(name=name).first()
    before = None if row is None else {"definition": row.definition}
    after = {"definition": checked}
    if before == after:
        assert row is not None
        return ProfileSaved(profile=row, created=False, changed=False)
    if row is not None and not reason.strip():
        raise ProfileRefused("reason", f"say why the profile {name} changes (a reason is required)")
    created = row is None
    if row is None:
        row = StatementProfile(name=name)
    row.definition = checked
    row.updated_at, row.updated_by_label = timezone.now(), actor.label
    row.save()
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="statement_profile.created" if created else "statement_profile.changed",
            object_type="statement_profile",
            object_id=str(row.pk),
            before=before,
            after=after,
            reason=reason.strip(),
        ),
    )
    return ProfileSaved(profile=row, created=created, changed=True)


def csv_profile(name: str) -> CsvProfile:
    """The profile called `name`: the console's own, else a ready-made one."""
    if not name:
        raise FileRefused("", "a CSV file is read through a bank's profile: choose one")
    row = StatementProfile.objects.filter(name=name).first()
    if row is not None:
        return CsvProfile.from_dict({**row.definition, "name": name})
    if name not in profile_names():
        raise FileRefused("", f"no CSV profile {name[:40]!r}: there are {', '.join(profile_choices())}")
    return profile_named(name)


def profile_choices() -> list[str]:
    """Every profile's name, the console's own first."""
    own = list(StatementProfile.objects.order_by("name").values_list("name", flat=True))
    return own + [name for name in profile_names() if name not in own]
