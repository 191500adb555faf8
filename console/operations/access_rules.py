"""Who may read /metrics: a bearer token (METRICS_TOKEN), addresses (METRICS_ALLOWED_NETWORKS),
or both; with neither configured the endpoint does not exist (404), so that figures about
the business are never served open by default."""

from __future__ import annotations

import hmac
import ipaddress
from enum import Enum

from django.conf import settings
from django.http import HttpRequest

from console.access.login_audit import client_ip


class Verdict(Enum):
    NOT_SERVED = 404
    NO_TOKEN = 401
    REFUSED = 403
    ALLOWED = 200


def _in_networks(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in settings.METRICS_ALLOWED_NETWORKS:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue  # a malformed entry allows nothing
    return False


def metrics_verdict(request: HttpRequest) -> Verdict:
    token = settings.METRICS_TOKEN
    networks = settings.METRICS_ALLOWED_NETWORKS
    if not token and not networks:
        return Verdict.NOT_SERVED
    if networks and not _in_networks(client_ip(request)):
        return Verdict.REFUSED
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return Verdict.NO_TOKEN
        if not hmac.compare_digest(given.strip().encode(), token.encode()):
            return Verdict.REFUSED
    return Verdict.ALLOWED
