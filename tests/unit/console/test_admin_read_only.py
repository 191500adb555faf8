"""Django's admin shows rows and changes nothing: no screen of ours or of a library adds,
edits or deletes, offers an action, or changes a password."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from console.access.credentials import superuser_create
from console.access.models import User
from console.audit.actors import Actor
from console.sync.models import LegalEntity
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(configured: dict[str, Any]) -> Client:
    user = superuser_create(username="root", password="a-long-passphrase-42", actor=Actor.system("test"))
    client = Client()
    client.force_login(user)
    return client


def test_every_admin_screen_is_read_only(root: Client) -> None:
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="root")
    assert len(admin.site._registry) >= 10
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}.{model.__name__}"
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        assert model_admin.get_actions(request) == {}, label
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert root.get(changelist).status_code == 200, label


def test_a_materiality_threshold_cannot_be_raised_through_the_admin(root: Client) -> None:
    entity = LegalEntity.objects.get(code="US01")
    url = reverse("admin:sync_legalentity_change", args=[entity.pk])
    page = root.get(url)
    assert page.status_code == 200 and b'name="materiality_threshold"' not in page.content  # shown, not a field
    with tables_unchanged():
        response = root.post(
            url,
            {
                "code": "US01",
                "name": entity.name,
                "odoo_company_id": entity.odoo_company_id,
                "currency": entity.currency,
                "materiality_threshold": "999999999.00",
            },
        )
    assert response.status_code == 403
    entity.refresh_from_db()
    assert entity.materiality_threshold == Decimal("10000.00")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/sync/legalentity/add/",
        "/admin/sync/flow/add/",
        "/admin/sync/odooconnection/add/",
        "/admin/auth/group/add/",
        "/admin/access/user/add/",
        "/admin/axes/accessattempt/add/",
    ],
)
def test_nothing_is_added_through_the_admin(root: Client, url: str) -> None:
    with tables_unchanged():
        assert root.get(url).status_code == 403
        data = {"name": "x", "code": "x", "username": "x", "password1": "x-long-pass-1", "password2": "x-long-pass-1"}
        assert root.post(url, data).status_code == 403


def test_nothing_is_deleted_through_the_admin(root: Client) -> None:
    entity = LegalEntity.objects.get(code="US01")
    url = reverse("admin:sync_legalentity_delete", args=[entity.pk])
    with tables_unchanged():
        assert root.post(url, {"post": "yes"}).status_code == 403
        bulk = root.post(
            reverse("admin:sync_legalentity_changelist"),
            {"action": "delete_selected", "_selected_action": [entity.pk]},
        )
    assert bulk.status_code in (200, 302)
    assert LegalEntity.objects.filter(pk=entity.pk).exists()


def test_the_admin_changes_no_password(root: Client) -> None:
    assert root.get("/admin/password_change/").status_code == 403
    new = "a-long-passphrase-43"
    with tables_unchanged():
        posted = root.post(
            "/admin/password_change/",
            {"old_password": "a-long-passphrase-42", "new_password1": new, "new_password2": new},
        )
    assert posted.status_code == 403
    assert User.objects.get(username="root").check_password("a-long-passphrase-42")


def test_the_user_screen_shows_no_password_hash(root: Client) -> None:
    olivia = User.objects.get(username="olivia")
    html = root.get(reverse("admin:access_user_change", args=[olivia.pk])).content.decode()
    assert "olivia" in html and olivia.password not in html


# Every model a configuration page or command changes, and the proposals waiting on them: shown in
# the admin for diagnosis (read-only, as every screen above), changed only through their services.
CONFIGURATION = [
    "sync.LegalEntity",
    "sync.OdooConnection",
    "sync.ThresholdChange",
    "sync.ConnectionChange",
    "sync.SourceSystem",
    "sync.Flow",
    "sync.PostingHold",
    "access.User",
    "access.ServiceAccount",
    "access.PersonalToken",
    "sources.StatementProfile",
    "mappings.Mapping",
    "mappings.ChangeRequest",
]


@pytest.mark.parametrize("label", CONFIGURATION)
def test_every_configuration_model_is_shown_and_read_only(root: Client, label: str) -> None:
    from django.apps import apps

    model = apps.get_model(label)
    assert model in admin.site._registry, label
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="root")
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request) and not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    first = model.objects.first()
    if first is not None:
        change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk])
        page = root.get(change)
        assert page.status_code == 200 and b'type="submit"' not in page.content.split(b'id="content-main"')[-1]


def test_the_service_account_screen_shows_no_token_digest(root: Client) -> None:
    from console.access.models import ServiceAccount

    account = ServiceAccount.objects.get(name="demo-traffic")
    account.previous_token_digest = "f" * 64
    account.save(update_fields=["previous_token_digest"])
    html = root.get(reverse("admin:access_serviceaccount_change", args=[account.pk])).content.decode()
    assert "demo-traffic" in html and account.token_digest not in html and "f" * 64 not in html
