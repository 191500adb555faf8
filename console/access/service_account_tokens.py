"""A source system's service accounts and their tokens, from the configuration pages: create
(the token shown once), rotate (the replaced token keeps working for a grace period the admin
chooses, then stops) and revoke (it stops at once). Integration admins only, holding every legal
entity the account may feed; one audit row per change, with a reason. The tokens themselves are
never stored or recorded: only their digest and their first characters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.models import ServiceAccount
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.access.services import AccessError, IssuedToken, service_account_create, token_issue
from console.access.tokens import SERVICE_PREFIX
from console.audit.actors import Actor
from console.audit.reasons import reason_checked
from console.audit.services import AuditEntry, audit_record

# What the rotation form offers: long enough to redeploy the sender, never open-ended.
GRACE_CHOICES: dict[str, timedelta] = {
    "0": timedelta(0),
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}
GRACE_MAX = timedelta(days=7)


class AccountNotFound(AccessError):
    """No such account, or one of nobody's entity the person holds: the same answer."""


def _scope(account: ServiceAccount) -> dict[str, Any]:
    return {
        "name": account.name,
        "sources": sorted(account.sources.values_list("code", flat=True)),
        "entities": sorted(account.entities.values_list("code", flat=True)),
    }


def _state(account: ServiceAccount) -> dict[str, Any]:
    expires = account.previous_token_expires_at
    return {
        **_scope(account),
        "active": account.is_active,
        "token_prefix": account.token_prefix,
        "previous_token_until": expires.isoformat() if expires and account.previous_token_digest else None,
    }


def _locked(account_id: int, user: Any | None, doing: str) -> tuple[ServiceAccount, str]:
    """The account under a lock, checked against the person's entities; the code of its one
    entity for the audit row ("" for several)."""
    account = ServiceAccount.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise AccountNotFound(f"no service account {account_id}")
    reach = set(account.entities.values_list("pk", flat=True))
    if user is not None:
        held = set(entity_ids_visible(user))
        if reach and not reach & held:
            raise AccountNotFound(f"no service account {account_id}")
        if not reach <= held:
            raise PermissionDenied(f"{doing} {account.name!r} needs every legal entity it may feed")
    codes = sorted(account.entities.values_list("code", flat=True))
    return account, codes[0] if len(codes) == 1 else ""


def _tokened(account: ServiceAccount) -> None:
    if not account.token_prefix:
        # A webhook source's or a file source's own account: nothing signs in with it.
        raise AccessError(f"{account.name} has no token: it records a source's own deliveries or files")


@transaction.atomic
def source_token_create(
    *,
    source_code: str,
    name: str,
    entity_codes: Sequence[str],
    user: Any | None,
    actor: Actor,
    reason: str,
) -> tuple[ServiceAccount, IssuedToken]:
    """A new account of this source, for these of the admin's legal entities; its token is in
    the answer and nowhere else."""
    doing = "creating a service account"
    if user is not None:
        role_check(user, Role.ADMIN, doing=doing)
    reason = reason_checked(reason, doing, AccessError)
    name = (name or "").strip()
    if not name:
        raise AccessError("name: a service account needs a name")
    if len(name) > 100:
        raise AccessError(f"name: {len(name)} characters, at most 100")
    if name.startswith(("webhook:", "file:")):
        raise AccessError("name: 'webhook:' and 'file:' name the sources' own accounts")
    if user is not None:
        from console.access.selectors import entity_codes_visible

        foreign = sorted(set(entity_codes) - set(entity_codes_visible(user)))
        if foreign:
            # Not "unknown": the admin may not learn which codes exist elsewhere.
            raise AccessError(f"legal entity code(s) you cannot grant: {', '.join(foreign)}")
    account, issued = service_account_create(
        name=name, source_codes=[source_code], entity_codes=entity_codes, actor=actor, reason=reason
    )
    if user is not None and getattr(user, "pk", None):
        account.created_by = user
        account.save(update_fields=["created_by"])  # save(): the field history records it
    return account, issued


@transaction.atomic
def service_account_rotate(
    *, account_id: int, grace: timedelta, user: Any | None, actor: Actor, reason: str
) -> tuple[ServiceAccount, IssuedToken]:
    """A new token; the one it replaces keeps working for `grace` (none: it stops now). A token
    replaced earlier and still in its grace stops now: only the last one is kept."""
    doing = "rotating a service account's token"
    if user is not None:
        role_check(user, Role.ADMIN, doing=doing)
    reason = reason_checked(reason, doing, AccessError)
    if not timedelta(0) <= grace <= GRACE_MAX:
        raise AccessError("grace period: between none and 7 days")
    account, entity_code = _locked(account_id, user, doing)
    _tokened(account)
    if not account.is_active:
        raise AccessError(f"{account.name} is revoked: create a new account instead")
    before = _state(account)
    now = timezone.now()
    token, digest, prefix = token_issue(SERVICE_PREFIX)
    if grace:
        account.previous_token_digest, account.previous_token_expires_at = account.token_digest, now + grace
    else:
        account.previous_token_digest, account.previous_token_expires_at = "", None
    account.token_digest, account.token_prefix, account.rotated_at = digest, prefix, now
    account.save(
        update_fields=[
            "token_digest",
            "token_prefix",
            "previous_token_digest",
            "previous_token_expires_at",
            "rotated_at",
        ]
    )
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="service_account.token_rotated",
            object_type="service_account",
            object_id=str(account.pk),
            entity_code=entity_code,
            before=before,
            after={**_state(account), "grace_seconds": int(grace.total_seconds())},
            reason=reason,
        ),
    )
    return account, IssuedToken(token=token, prefix=prefix)


@transaction.atomic
def service_account_revoke(*, account_id: int, user: Any | None, actor: Actor, reason: str) -> ServiceAccount:
    """Its token, and a replaced one still in its grace, stop at once; the account stays, for
    the trail and the events recorded under it."""
    doing = "revoking a service account"
    if user is not None:
        role_check(user, Role.ADMIN, doing=doing)
    reason = reason_checked(reason, doing, AccessError)
    account, entity_code = _locked(account_id, user, doing)
    _tokened(account)
    if not account.is_active:
        raise AccessError(f"{account.name} is revoked already")
    before = _state(account)
    account.is_active, account.revoked_at = False, timezone.now()
    account.previous_token_digest, account.previous_token_expires_at = "", None
    account.save(update_fields=["is_active", "revoked_at", "previous_token_digest", "previous_token_expires_at"])
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="service_account.revoked",
            object_type="service_account",
            object_id=str(account.pk),
            entity_code=entity_code,
            before=before,
            after=_state(account),
            reason=reason,
        ),
    )
    return account
