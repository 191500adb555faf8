"""Setting up a webhook endpoint: the source system of its provider's kind, and the flows for
the kinds of event that provider's payloads become (console/sources/providers.py)."""

from __future__ import annotations

from typing import Any

from console.audit.actors import Actor
from console.sources.providers import ADAPTERS
from console.sync.services.sources import SourceSaved, webhook_source_set


def webhook_endpoint_set(
    *,
    actor: Actor,
    user: Any | None,
    code: str,
    provider: str,
    entity_code: str,
    secret_env: str,
    previous_secret_env: str = "",
    name: str = "",
) -> SourceSaved:
    """Create or update the endpoint /webhooks/<provider>/<code>/ (audited; see webhook_source_set)."""
    adapter = ADAPTERS.get(provider)
    return webhook_source_set(
        actor=actor,
        user=user,
        code=code,
        kind=provider,
        entity_code=entity_code,
        secret_env=secret_env,
        previous_secret_env=previous_secret_env,
        name=name,
        flows=adapter.flows if adapter else (),
    )
