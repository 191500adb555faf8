"""Sign-ins, failed sign-ins and sign-outs on the audit trail, and the client address they
(and every audit row of a request) carry.

Connected explicitly in AccessConfig.ready(): Django's auth signals are the
only place these events surface, and no business state changes here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from console.audit.actors import Actor
from console.audit.chain import normal_ip
from console.audit.models import OBJECT_ID_LENGTH
from console.audit.services import AuditEntry, audit_record_atomic


def client_ip(request: Any) -> str | None:
    """The address the request came from, as the trail and the sign-in throttle see it.

    X-Forwarded-For is anyone's to write, except the entries our own proxies appended: with
    TRUSTED_PROXY_COUNT = N proxies in front of us, each appends the address it received the
    request from, so the client is the Nth entry from the right. With N = 0 (no proxy) the
    header is ignored. A header with fewer entries than N, or an entry that is not an address,
    did not come through the proxies as configured: the peer's own address (REMOTE_ADDR) is
    used instead.
    """
    if request is None:
        return None
    peer = normal_ip(request.META.get("REMOTE_ADDR"))
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return peer
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < hops:
        return peer
    return normal_ip(forwarded[-hops]) or peer


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record_atomic(
        actor=Actor.person(user, client_ip(request)),
        entry=AuditEntry(action="auth.login", object_type="user", object_id=str(user.pk)),
    )


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    audit_record_atomic(
        actor=Actor.person(user, client_ip(request)),
        entry=AuditEntry(action="auth.logout", object_type="user", object_id=str(user.pk)),
    )


def sign_in_subject(username: str) -> tuple[str, str]:
    """The audit object a typed username stands for. A person's failed sign-ins belong to their
    history (user <id>, as their sign-ins do); a name nobody has is an object of its own
    ("username"), never a user id someone could type to land in another person's history."""
    user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    if user_id is not None:
        return "user", str(user_id)
    return "username", username[:OBJECT_ID_LENGTH]


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    object_type, object_id = sign_in_subject(username)
    audit_record_atomic(
        actor=Actor.anonymous(username, client_ip(request)),
        entry=AuditEntry(
            action="auth.login_failed", object_type=object_type, object_id=object_id, after={"username": username}
        ),
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="finops-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="finops-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="finops-audit-login-failed")
