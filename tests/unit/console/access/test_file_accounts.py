"""The accounts file imports record their events under: one per source and entity, never rescoped."""

from __future__ import annotations

from typing import Any

import pytest

from console.access.models import ServiceAccount
from console.access.services import AccessError, file_account_ensure
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sync.models import LegalEntity, SourceSystem

pytestmark = pytest.mark.django_db


def _second_entity() -> LegalEntity:
    first = LegalEntity.objects.get(code="US01")
    return LegalEntity.objects.create(
        code="US02", name="Second", odoo_company_id=first.odoo_company_id, currency=first.currency
    )


def test_one_bank_source_feeding_two_entities_keeps_an_account_for_each(configured: dict[str, Any]) -> None:
    source = SourceSystem.objects.get(code="bankfeed")
    us01, us02 = LegalEntity.objects.get(code="US01"), _second_entity()
    actor = Actor.system("test")
    first = file_account_ensure(source=source, entity=us01, actor=actor)
    second = file_account_ensure(source=source, entity=us02, actor=actor)
    again = file_account_ensure(source=source, entity=us01, actor=actor)
    assert first.pk == again.pk != second.pk
    assert (first.name, second.name) == ("file:bankfeed@US01", "file:bankfeed@US02")
    assert list(first.entities.values_list("code", flat=True)) == ["US01"]
    assert list(second.entities.values_list("code", flat=True)) == ["US02"]
    assert [
        e.object_id for e in AuditEvent.objects.filter(action="service_account.created", reason__contains="files")
    ] == [
        str(first.pk),
        str(second.pk),
    ]
    assert not AuditEvent.objects.filter(action="service_account.scope_changed").exists()


def test_an_account_of_that_name_holding_a_token_is_never_taken_over(configured: dict[str, Any]) -> None:
    ServiceAccount.objects.create(name="file:bankfeed@US01", token_digest="d" * 64, token_prefix="fop_abc")
    with pytest.raises(AccessError, match="with a token exists"):
        file_account_ensure(
            source=SourceSystem.objects.get(code="bankfeed"),
            entity=LegalEntity.objects.get(code="US01"),
            actor=Actor.system("test"),
        )
