"""The source system pages: integration admins change a source and its service accounts, auditors
read, everyone else is refused; a token is shown once, a rotated one keeps working for the grace
period chosen and then stops, a revoked one stops at once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from console.access.models import ServiceAccount
from console.audit.models import AuditEvent
from console.sync.models import LegalEntity, SourceKind, SourceSystem
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

SETTINGS = {"name": "Shopify US store", "is_active": "on", "reason": "renamed with the store"}
NEW = {"name": "erp-prod", "entities": ["US01"], "reason": "the ERP sends invoices"}


def token_in(page: str) -> str:
    found = re.search(r"data-token>(fos_[A-Za-z0-9_-]+)<", page)
    assert found, "no token shown"
    return found.group(1)


def api(token: str) -> int:
    """What the API answers a request made with the token (the schema: any service may read it)."""
    return int(Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}").status_code)


def created(client: Client, body: dict[str, Any] = NEW) -> tuple[ServiceAccount, str]:
    response = client.post("/config/sources/shopify/accounts/new/", body)
    assert response.status_code == 200, response.content.decode()[:500]
    return ServiceAccount.objects.get(name=body["name"]), token_in(response.content.decode())


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_admins_and_auditors_read_the_list_and_the_page(configured: dict[str, Any], client: Client, role: str) -> None:
    login(client, role)
    listing = client.get("/config/sources/").content.decode()
    assert "Shopify store" in listing and "bankfeed" in listing and "US01" in listing
    page = client.get("/config/sources/shopify/").content.decode()
    assert "Service accounts" in page and "US01" in page
    assert ('action="/config/sources/shopify/settings/"' in page) is (role == "admin")


@pytest.mark.parametrize("role", ["operator", "controller"])
def test_operators_and_controllers_may_not_read_them(configured: dict[str, Any], client: Client, role: str) -> None:
    login(client, role)
    assert client.get("/config/sources/").status_code == 403
    assert client.get("/config/sources/shopify/").status_code == 403


def test_a_webhook_source_shows_its_secret_variable_name_never_a_secret(
    configured: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.audit.actors import Actor
    from console.sync.services.sources import webhook_source_set

    monkeypatch.setenv("SHOP_US_SECRET", "the-signing-secret-itself")
    webhook_source_set(
        actor=Actor.system("test"),
        user=None,
        code="shop-us",
        kind="shopify",
        entity_code="US01",
        secret_env="SHOP_US_SECRET",
    )
    page = login(client, "auditor").get("/config/sources/shop-us/").content.decode()
    assert "SHOP_US_SECRET" in page and "the-signing-secret-itself" not in page
    assert "no token: the source&#x27;s own webhooks" in page or "no token: the source's own webhooks" in page


def test_an_admin_changes_the_settings_with_one_audit_row(configured: dict[str, Any], client: Client) -> None:
    response = login(client, "admin").post("/config/sources/shopify/settings/", {**SETTINGS, "is_active": ""})
    assert response.status_code == 302 and response["Location"] == "/config/sources/shopify/"
    source = SourceSystem.objects.get(code="shopify")
    assert source.name == "Shopify US store" and not source.is_active
    row = AuditEvent.objects.get(action="source.settings_changed")
    assert row.before_data == {"name": "Shopify store", "is_active": True}
    assert row.after_data == {"name": "Shopify US store", "is_active": False}
    assert row.reason == "renamed with the store" and row.actor_label == "ian"


def test_a_secret_variable_on_a_source_without_webhooks_is_refused_naming_why(
    configured: dict[str, Any], client: Client
) -> None:
    login(client, "admin")
    with tables_unchanged():
        response = client.post("/config/sources/shopify/settings/", {**SETTINGS, "secret_env": "X_SECRET"})
    assert response.status_code == 400 and "only webhook sources" in response.content.decode()


def test_a_token_is_shown_once_and_works_and_the_page_never_shows_it_again(
    configured: dict[str, Any], client: Client
) -> None:
    login(client, "admin")
    account, token = created(client)
    assert api(token) == 200
    row = AuditEvent.objects.get(action="service_account.created", object_id=str(account.pk))
    assert account.token_digest != token and token not in str(row.after_data)
    assert row.after_data["sources"] == ["shopify"] and row.after_data["entities"] == ["US01"]
    assert row.reason == "the ERP sends invoices"
    page = client.get("/config/sources/shopify/").content.decode()
    assert token not in page and account.token_prefix in page
    account.refresh_from_db()
    assert account.last_used_at is not None and "never" not in page.split("erp-prod")[1].split("</tr>")[0]


def test_a_rotated_token_works_within_its_grace_and_not_after(configured: dict[str, Any], client: Client) -> None:
    login(client, "admin")
    account, old = created(client)
    response = client.post(
        f"/config/sources/shopify/accounts/{account.pk}/rotate/", {"grace": "1h", "reason": "yearly rotation"}
    )
    assert response.status_code == 200
    new = token_in(response.content.decode())
    assert new != old and api(new) == 200 and api(old) == 200
    account.refresh_from_db()
    assert account.previous_token_expires_at is not None
    assert timedelta(minutes=59) < account.previous_token_expires_at - timezone.now() <= timedelta(hours=1)
    row = AuditEvent.objects.get(action="service_account.token_rotated")
    assert row.after_data["grace_seconds"] == 3600 and row.reason == "yearly rotation"
    # The hour has passed.
    ServiceAccount.objects.filter(pk=account.pk).update(previous_token_expires_at=timezone.now() - timedelta(seconds=1))
    assert api(old) == 401 and api(new) == 200


def test_a_rotation_without_grace_stops_the_old_token_at_once(configured: dict[str, Any], client: Client) -> None:
    login(client, "admin")
    account, old = created(client)
    response = client.post(f"/config/sources/shopify/accounts/{account.pk}/rotate/", {"grace": "0", "reason": "leaked"})
    assert api(old) == 401 and api(token_in(response.content.decode())) == 200


def test_a_revoked_token_is_refused_at_once_and_its_grace_ends_too(configured: dict[str, Any], client: Client) -> None:
    login(client, "admin")
    account, old = created(client)
    rotated = client.post(f"/config/sources/shopify/accounts/{account.pk}/rotate/", {"grace": "7d", "reason": "r"})
    new = token_in(rotated.content.decode())
    response = client.post(f"/config/sources/shopify/accounts/{account.pk}/revoke/", {"reason": "the ERP is gone"})
    assert response.status_code == 302
    assert api(new) == 401 and api(old) == 401
    row = AuditEvent.objects.get(action="service_account.revoked")
    assert row.before_data["active"] is True and row.after_data["active"] is False
    assert row.after_data["previous_token_until"] is None and row.reason == "the ERP is gone"
    assert "revoked" in client.get("/config/sources/shopify/").content.decode()


def test_each_change_writes_one_audit_row(configured: dict[str, Any], client: Client) -> None:
    login(client, "admin")
    before = AuditEvent.objects.count()
    account, _ = created(client)
    client.post(f"/config/sources/shopify/accounts/{account.pk}/rotate/", {"grace": "24h", "reason": "r"})
    client.post(f"/config/sources/shopify/accounts/{account.pk}/revoke/", {"reason": "r"})
    client.post("/config/sources/shopify/settings/", SETTINGS)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)[before:])
    assert actions == [
        "service_account.created",
        "service_account.token_rotated",
        "service_account.revoked",
        "source.settings_changed",
    ]


def test_a_change_without_a_reason_is_refused(configured: dict[str, Any], client: Client) -> None:
    login(client, "admin")
    account, _ = created(client)
    with tables_unchanged():
        response = client.post(f"/config/sources/shopify/accounts/{account.pk}/rotate/", {"grace": "1h", "reason": ""})
    assert response.status_code == 400


def test_the_sources_own_account_has_no_token_to_rotate(configured: dict[str, Any], client: Client) -> None:
    from console.audit.actors import Actor
    from console.sync.services.sources import webhook_source_set

    source = webhook_source_set(
        actor=Actor.system("test"), user=None, code="shop-us", kind="shopify", entity_code="US01", secret_env="S_SECRET"
    ).source
    login(client, "admin")
    with tables_unchanged():
        response = client.post(
            f"/config/sources/shop-us/accounts/{source.service_account_id}/rotate/", {"grace": "0", "reason": "x"}
        )
    assert response.status_code == 400 and "has no token" in response.content.decode()


WRITES = [
    ("settings/", SETTINGS),
    ("accounts/new/", NEW),
    ("accounts/{account}/rotate/", {"grace": "1h", "reason": "x"}),
    ("accounts/{account}/revoke/", {"reason": "x"}),
]


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
@pytest.mark.parametrize(("path", "body"), WRITES)
def test_every_write_is_refused_to_a_role_lacking_it(
    configured: dict[str, Any], client: Client, role: str, path: str, body: dict[str, Any]
) -> None:
    account, _ = created(login(Client(), "admin"), {**NEW, "name": "existing"})
    login(client, role)
    with tables_unchanged():
        response = client.post("/config/sources/shopify/" + path.format(account=account.pk), body)
    assert response.status_code == 403


def test_a_source_and_an_account_of_a_foreign_entity_are_not_found(configured: dict[str, Any], client: Client) -> None:
    from console.access.services import service_account_create
    from console.audit.actors import Actor

    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    SourceSystem.objects.create(code="shop-fr", name="FR secret shop", kind=SourceKind.SHOPIFY, entity=fr)
    fr_account, fr_token = service_account_create(
        name="fr-secret-feed", source_codes=["shopify"], entity_codes=["FR01"], actor=Actor.system("test")
    )
    login(client, "admin")
    assert client.get("/config/sources/shop-fr/").status_code == 404
    listing = client.get("/config/sources/").content.decode()
    assert "FR secret shop" not in listing and "FR01" not in listing
    # shopify now feeds FR01 too: ian sees it, not FR01's account, and may not change it.
    page = client.get("/config/sources/shopify/").content.decode()
    assert "fr-secret-feed" not in page and "FR01" not in page and "entities you do not hold" in page
    with tables_unchanged():
        assert client.post("/config/sources/shopify/settings/", SETTINGS).status_code == 403
        assert (
            client.post(f"/config/sources/shopify/accounts/{fr_account.pk}/revoke/", {"reason": "x"}).status_code == 404
        )
    assert api(fr_token.token) == 200


def test_the_page_with_several_accounts_gives_each_form_field_its_own_id(
    configured: dict[str, Any], client: Client
) -> None:
    login(client, "admin")
    created(client)
    created(client, {**NEW, "name": "erp-test"})
    page = client.get("/config/sources/shopify/").content.decode()
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
