"""Setting up a webhook endpoint: the source system of its provider's kind, and the flows for
the kinds of event that provider's payloads become (console/sources/providers.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.audit.actors import Actor
from console.sources.providers import ADAPTERS, OptionError, option_value, options_check
from console.sync.errors import SyncError
from console.sync.models import SourceSystem
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
    option_texts: Mapping[str, str] | None = None,
) -> SourceSaved:
    """Create or update the endpoint /webhooks/<provider>/<code>/ (audited; see webhook_source_set).
    `option_texts` change the reader's options given (`name: ""` puts one back to its default)
    and keep the others."""
    adapter = ADAPTERS.get(provider)
    options = None
    if adapter is not None and option_texts:
        current = SourceSystem.objects.filter(code=code, kind=provider).values_list("webhook_options", flat=True)
        merged: dict[str, Any] = dict(current.first() or {})
        try:
            for key, text in option_texts.items():
                if text == "":
                    merged.pop(key, None)
                else:
                    merged[key] = option_value(adapter, key, text)
            options = options_check(adapter, merged)
        except OptionError as err:
            raise SyncError(str(err)) from err
    return webhook_source_set(
        actor=actor,
        user=user,
        code=code,
        kind=provider,
        entity_code=entity_code,
        secret_env=secret_env,
        previous_secret_env=previous_secret_env,
        name=name,
        options=options,
        flows=adapter.flows if adapter else (),
    )
