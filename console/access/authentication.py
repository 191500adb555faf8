"""DRF authentication for `Authorization: Token <token>` headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from console.access.models import PersonalToken, ServiceAccount
from console.access.tokens import PERSONAL_PREFIX, SERVICE_PREFIX, token_digest

LAST_USED_RESOLUTION = timedelta(minutes=1)


def _presented_token(request: Request) -> str | None:
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() != b"token":
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed("Authorization header must be 'Token <token>'.")
    try:
        return parts[1].decode("ascii")
    except UnicodeDecodeError as exc:
        raise exceptions.AuthenticationFailed("Token contains invalid characters.") from exc


@dataclass(frozen=True)
class ServicePrincipal:
    """request.user for a service account: authenticated, but not a person."""

    account: ServiceAccount
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None

    def __str__(self) -> str:
        return f"service:{self.account.name}"

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False


class ServiceAccountTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ServicePrincipal, ServiceAccount] | None:
        token = _presented_token(request)
        if token is None or not token.startswith(SERVICE_PREFIX):
            return None
        digest, now = token_digest(token), timezone.now()
        # The current token, or the one a rotation replaced while its grace period lasts.
        account = (
            ServiceAccount.objects.filter(is_active=True)
            .filter(Q(token_digest=digest) | Q(previous_token_digest=digest, previous_token_expires_at__gt=now))
            .first()
        )
        if account is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked service account token.")
        if account.last_used_at is None or now - account.last_used_at >= LAST_USED_RESOLUTION:
            ServiceAccount.objects.filter(pk=account.pk).update(last_used_at=now)
        return ServicePrincipal(account=account), account

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class PersonalTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, PersonalToken] | None:
        token = _presented_token(request)
        if token is None or not token.startswith(PERSONAL_PREFIX):
            return None
        row = (
            PersonalToken.objects.select_related("user")
            .filter(token_digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API token.")
        now = timezone.now()
        # A write per read otherwise: "last used" to the minute is all anyone reads from it.
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            PersonalToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user, row

    def authenticate_header(self, request: Request) -> str:
        return "Token"
