"""tests/tables.py: the helpers see a row added, a column changed and a row removed, in the
console's tables and in the libraries' (a person's groups); and they ignore usage stamps."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from console.access.models import User
from console.sync.models import LegalEntity
from tests.tables import table_changes, tables_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity() -> LegalEntity:
    return LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")


def test_an_added_changed_and_removed_row_are_each_seen(entity: LegalEntity) -> None:
    with table_changes() as changes:
        LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    # The field history django-auditlog keeps of an entity is a table of the libraries'.
    assert changes.counts() == {"auditlog.LogEntry": (1, 0, 0), "sync.LegalEntity": (1, 0, 0)}
    assert [row["code"] for row in changes.rows_added(LegalEntity)] == ["FR01"]
    with table_changes() as changes:
        LegalEntity.objects.filter(pk=entity.pk).update(materiality_threshold=Decimal("1.00"))
        LegalEntity.objects.filter(code="FR01").delete()
    assert changes.rows_changed(LegalEntity) == {
        entity.pk: {"materiality_threshold": (Decimal("10000.00"), Decimal("1.00"))}
    }
    assert changes.counts() == {"auditlog.LogEntry": (1, 0, 0), "sync.LegalEntity": (0, 1, 1)}


def test_unchanged_fails_on_a_write_and_names_it(entity: LegalEntity) -> None:
    with pytest.raises(AssertionError, match=r"sync\.LegalEntity: 0 added, 1 changed"), tables_unchanged():
        LegalEntity.objects.filter(pk=entity.pk).update(name="Acme Holdings")
    user = User.objects.create_user(username="olga", password="a-long-passphrase-42")
    with pytest.raises(AssertionError, match=r"access\.User_groups: 1 added"), tables_unchanged():
        user.groups.add(Group.objects.create(name="Testers"))


def test_unchanged_passes_a_read_a_usage_stamp_and_the_tables_it_is_told_of(entity: LegalEntity) -> None:
    user = User.objects.create_user(username="olga", password="a-long-passphrase-42")
    with tables_unchanged():
        assert LegalEntity.objects.count() == 1
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    with tables_unchanged(besides=[LegalEntity]):
        LegalEntity.objects.filter(pk=entity.pk).update(name="Acme Holdings")
