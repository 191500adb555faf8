"""Which entities a flow posts for: its source's entity, else its source's active accounts'."""

from __future__ import annotations

from typing import Any

import pytest

from console.access.models import ServiceAccount
from console.access.services import service_account_create
from console.audit.actors import Actor
from console.sync.models import Flow, LegalEntity, SourceSystem
from console.sync.selectors.flows import flows_reach

pytestmark = pytest.mark.django_db


def reach() -> dict[str, set[str]]:
    flows = list(Flow.objects.select_related("source"))
    codes = dict(LegalEntity.objects.values_list("pk", "code"))
    return {
        flow.source.code: {codes[e] for e in ids} for flow, ids in zip(flows, flows_reach(flows).values(), strict=True)
    }


def test_a_flow_posts_for_the_entities_its_sources_active_accounts_feed(sources: dict[str, Any]) -> None:
    assert reach() == {"shopify": {"US01"}, "stripe": set()}
    service_account_create(
        name="both", source_codes=["shopify", "stripe"], entity_codes=["FR01"], actor=Actor.system("t")
    )
    assert reach() == {"shopify": {"US01", "FR01"}, "stripe": {"FR01"}}
    ServiceAccount.objects.filter(name="both").update(is_active=False)
    assert reach() == {"shopify": {"US01"}, "stripe": set()}


def test_a_source_bound_to_an_entity_posts_for_that_one_only(sources: dict[str, Any]) -> None:
    SourceSystem.objects.filter(code="shopify").update(entity=LegalEntity.objects.get(code="FR01"))
    assert reach()["shopify"] == {"FR01"}
