"""Sign-ins, failed sign-ins and sign-outs on the audit trail.

Connected explicitly in AccessConfig.ready(): Django's auth signals are the
only place these events surface, and no business state changes here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record_atomic


def client_ip(request: Any) -> str | None:
    # Behind the reverse proxy REMOTE_ADDR is the proxy; the proxy must set
    # X-Forwarded-For, and only the last hop it added is trusted.
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


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


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record_atomic(
        actor=Actor.anonymous(username, client_ip(request)),
        entry=AuditEntry(
            action="auth.login_failed", object_type="user", object_id=username, after={"username": username}
        ),
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="finops-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="finops-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="finops-audit-login-failed")
