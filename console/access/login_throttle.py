"""Sign-in throttling (django-axes), by the client address of login_audit.client_ip.

Two limits over the cool-off window (AXES_COOLOFF_TIME):
- LOGIN_FAILURE_LIMIT failures for one username from one address lock that pair: a person
  mistyping is stopped, but a stranger's bad tries from elsewhere never lock them out;
- LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the usernames, lock the
  address: spraying one password over many usernames is throttled too.

axes compares one number, the largest failure count over its lockout parameters
([username + address], [address]), with one limit. The address count always includes the
pair's, so that largest count is the address count; failure_limit() answers the limit that
makes the comparison hold exactly when either of the two limits is reached.

A successful sign-in forgets the failures of that username from that address only (axes'
AXES_RESET_ON_SUCCESS would forget every failure of the address: one valid account would
then reset a spray from the same address).
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from console.access.login_audit import client_ip, sign_in_subject
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record


def _failures(request: Any, **match: Any) -> int:
    rows = AccessAttempt.objects.filter(**match)
    window = get_cool_off(request)
    if window is not None:
        rows = rows.filter(attempt_time__gte=timezone.now() - window)
    return int(rows.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def failure_limit(request: Any, credentials: dict[str, Any] | None = None) -> int:
    """AXES_FAILURE_LIMIT: locked (address failures >= this) iff the pair or the address is at its limit."""
    per_pair, per_address = settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT
    if request is None:
        return per_pair
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    username = get_client_username(request, credentials)
    from_address = _failures(request, ip_address=address)
    for_pair = _failures(request, ip_address=address, username=username)
    return min(per_address, from_address - for_pair + per_pair)


@transaction.atomic
def sign_in_lockouts_reset(*, actor: Actor, username: str | None = None, ip_address: str | None = None) -> int:
    """Lift sign-in lockouts (all, or of a username, an address, or both together); audited."""
    removed = reset(ip=ip_address, username=username)
    object_type, object_id = sign_in_subject(username) if username else ("sign_in", ip_address or "all")
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="auth.lockouts_reset",
            object_type=object_type,
            object_id=object_id,
            after={"username": username, "ip_address": ip_address, "attempts_removed": removed},
        ),
    )
    return int(removed)


def _forget_pair_failures(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    AccessAttempt.objects.filter(username=user.get_username(), ip_address=address).delete()


def connect() -> None:
    user_logged_in.connect(_forget_pair_failures, dispatch_uid="finops-throttle-forget-pair")
