"""manage.py webhook_source: the source, its flows and its own tokenless account, created or updated
through one audited service; the secret's variables named, never the secret; the endpoint printed."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from console.access.models import ServiceAccount
from console.access.roles import Role
from console.access.services import service_account_create, user_create
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sources.services.endpoints import webhook_endpoint_set
from console.sync.models import Flow, LegalEntity, SourceKind, SourceSystem
from tests.tables import table_changes, tables_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def entities(db: None) -> None:
    LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("webhook_source", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_a_shopify_source_is_created_with_its_flows_and_account_and_its_path_printed(
    entities: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_US_SECRET", "shpss_must_never_be_stored")
    with table_changes() as changes:
        out, err = run("shop-us", "--kind", "shopify", "--entity", "US01", "--secret-env", "SHOP_US_SECRET")
    assert out == "/webhooks/shopify/shop-us/"
    assert "shop-us created" in err
    source = SourceSystem.objects.get(code="shop-us")
    assert (source.kind, source.entity.code, source.secret_env, source.previous_secret_env) == (
        SourceKind.SHOPIFY,
        "US01",
        "SHOP_US_SECRET",
        "",
    )
    assert set(Flow.objects.filter(source=source).values_list("event_kind", flat=True)) == {
        "customer_invoice",
        "payment",
        "customer_credit_note",
    }
    account = source.service_account
    assert account is not None and account.name == "webhook:shop-us" and account.token_prefix == ""
    assert list(account.sources.values_list("code", flat=True)) == ["shop-us"]
    assert list(account.entities.values_list("code", flat=True)) == ["US01"]
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", "actor_label"))
    assert actions == [
        ("service_account.created", "system:webhook_source"),
        ("source.webhook_configured", "system:webhook_source"),
    ]
    configured = AuditEvent.objects.get(action="source.webhook_configured")
    assert configured.before is None
    assert "customer_credit_note" in str(configured.after) and "SHOP_US_SECRET" in str(configured.after)
    # The secret itself is nowhere in the database: only its variable's name.
    everything = str(changes.added) + str(changes.changed)
    assert "shpss_must_never_be_stored" not in everything


def test_a_stripe_source_gets_the_payment_and_journal_entry_flows(entities: None) -> None:
    out, _ = run("stripe-us", "--kind", "stripe", "--entity", "US01", "--secret-env", "STRIPE_US_SECRET")
    assert out == "/webhooks/stripe/stripe-us/"
    flows = Flow.objects.filter(source__code="stripe-us")
    assert set(flows.values_list("event_kind", flat=True)) == {"payment", "journal_entry"}


def test_running_it_again_updates_the_source_keeps_its_flows_and_audits_what_changed(entities: None) -> None:
    run("shop-us", "--kind", "shopify", "--entity", "US01", "--secret-env", "SHOP_US_SECRET")
    flow = Flow.objects.get(source__code="shop-us", event_kind="customer_invoice")
    flow.freshness_slo_seconds = 120  # finance's setting, not the command's
    flow.save()
    with table_changes() as changes:
        out, err = run(
            "shop-us",
            "--kind",
            "shopify",
            "--entity",
            "FR01",
            "--secret-env",
            "SHOP_US_SECRET_2026",
            "--previous-secret-env",
            "SHOP_US_SECRET",
        )
    assert out == "/webhooks/shopify/shop-us/" and "shop-us updated" in err
    source = SourceSystem.objects.get(code="shop-us")
    assert (source.entity.code, source.secret_env, source.previous_secret_env) == (
        "FR01",
        "SHOP_US_SECRET_2026",
        "SHOP_US_SECRET",
    )
    assert Flow.objects.filter(source=source).count() == 3
    assert Flow.objects.get(pk=flow.pk).freshness_slo_seconds == 120
    assert list(source.service_account.entities.values_list("code", flat=True)) == ["FR01"]
    audit = {row["action"]: row for row in changes.rows_added(AuditEvent)}
    assert set(audit) == {"source.webhook_configured", "service_account.scope_changed"}
    assert "SHOP_US_SECRET_2026" in audit["source.webhook_configured"]["after"]
    assert "US01" in audit["source.webhook_configured"]["before"]
    # The same again changes nothing and writes no audit row.
    with tables_unchanged():
        run(
            "shop-us",
            "--kind",
            "shopify",
            "--entity",
            "FR01",
            "--secret-env",
            "SHOP_US_SECRET_2026",
            "--previous-secret-env",
            "SHOP_US_SECRET",
        )


def test_an_existing_api_source_becomes_a_webhook_source(entities: None) -> None:
    SourceSystem.objects.create(code="shopify", name="Shopify store", kind=SourceKind.ECOMMERCE)
    run("shopify", "--kind", "shopify", "--entity", "US01", "--secret-env", "SHOPIFY_SECRET")
    source = SourceSystem.objects.get(code="shopify")
    assert (source.kind, source.name) == (SourceKind.SHOPIFY, "Shopify store")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--entity", "ZZ99", "--secret-env", "S"], "unknown legal entity 'ZZ99'"),
        (["--entity", "US01", "--secret-env", "whsec_abc"], "secret variable 'whsec_abc'"),
        (["--entity", "US01", "--secret-env", "S", "--previous-secret-env", "S"], "a variable of its own"),
        (["--entity", "US01", "--secret-env", "S", "--previous-secret-env", "lower"], "previous secret variable"),
    ],
)
def test_what_cannot_be_set_up_is_refused_and_stores_nothing(entities: None, args: list[str], message: str) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match=message):
        run("shop-us", "--kind", "shopify", *args)


def test_a_bad_code_is_refused(entities: None) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match="source code"):
        run("shop us!", "--kind", "shopify", "--entity", "US01", "--secret-env", "S")


def test_a_persons_account_of_the_same_name_with_a_token_is_not_taken_over(entities: None) -> None:
    run("shop-us", "--kind", "shopify", "--entity", "US01", "--secret-env", "S")
    source = SourceSystem.objects.get(code="shop-us")
    SourceSystem.objects.filter(pk=source.pk).update(service_account=None)
    ServiceAccount.objects.filter(name="webhook:shop-us").update(name="old")
    service_account_create(
        name="webhook:shop-us", source_codes=["shop-us"], entity_codes=["US01"], actor=Actor.system("t")
    )
    with tables_unchanged(), pytest.raises(CommandError, match="with a token exists"):
        run("shop-us", "--kind", "shopify", "--entity", "US01", "--secret-env", "S2")


def test_only_an_integration_admin_holding_the_entity_sets_up_an_endpoint(entities: None) -> None:
    operator = user_create(
        username="olivia",
        password="a-long-passphrase-42",
        role=Role.OPERATOR,
        entity_codes=["US01"],
        actor=Actor.system("t"),
    )
    admin = user_create(
        username="ian", password="a-long-passphrase-42", role=Role.ADMIN, entity_codes=["US01"], actor=Actor.system("t")
    )
    fields: dict[str, Any] = {"code": "shop-us", "provider": "shopify", "secret_env": "S"}
    with tables_unchanged():
        with pytest.raises(PermissionDenied, match="Integration admin"):
            webhook_endpoint_set(actor=Actor.person(operator), user=operator, entity_code="US01", **fields)
        with pytest.raises(CommandError, match="Integration admin"):
            run("shop-us", "--kind", "shopify", "--entity", "US01", "--secret-env", "S", "--by", "olivia")
        # FR01 is not the admin's: it is not even named as existing.
        with pytest.raises(CommandError, match="unknown legal entity 'FR01'"):
            run("shop-us", "--kind", "shopify", "--entity", "FR01", "--secret-env", "S", "--by", "ian")
    run("shop-us", "--kind", "shopify", "--entity", "US01", "--secret-env", "S", "--by", "ian")
    configured = AuditEvent.objects.get(action="source.webhook_configured")
    assert (configured.actor_label, configured.actor_user_id) == ("ian", admin.pk)


def test_the_sources_account_cannot_sign_in_to_the_api(entities: None, client: Any) -> None:
    run("shop-us", "--kind", "shopify", "--entity", "US01", "--secret-env", "S")
    account = ServiceAccount.objects.get(name="webhook:shop-us")
    # Its digest is of a value nobody was shown; no token of the service prefix reaches it.
    response = client.get("/api/v1/events/1/", HTTP_AUTHORIZATION=f"Token fos_{account.token_digest}")
    assert response.status_code == 401


def test_options_for_the_reader_are_checked_stored_merged_and_reset(entities: None) -> None:
    run(
        "stripe-us",
        "--kind",
        "stripe",
        "--entity",
        "US01",
        "--secret-env",
        "S",
        "--option",
        "invoice_metadata_key=order_id",
        "--option",
        "invoice_source=shop-us",
    )
    source = SourceSystem.objects.get(code="stripe-us")
    assert source.webhook_options == {"invoice_metadata_key": "order_id", "invoice_source": "shop-us"}
    run("stripe-us", "--kind", "stripe", "--entity", "US01", "--secret-env", "S", "--option", "invoice_source=")
    source.refresh_from_db()
    assert source.webhook_options == {"invoice_metadata_key": "order_id"}
    run("shop-us", "--kind", "shopify", "--entity", "US01", "--secret-env", "S", "--option", "include_test_orders=yes")
    assert SourceSystem.objects.get(code="shop-us").webhook_options == {"include_test_orders": True}
    audited = AuditEvent.objects.filter(action="source.webhook_configured").latest("sequence")
    assert json.loads(audited.after)["options"] == {"include_test_orders": True}


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("no_such_option=1", "unknown option"),
        ("payment_method=", None),  # reset to its default: accepted
        ("include_test_orders=maybe", "true or false"),
        ("novalue", "NAME=VALUE"),
    ],
)
def test_an_option_the_reader_refuses_is_refused_and_stores_nothing(
    entities: None, option: str, message: str | None
) -> None:
    kind = "shopify" if "include" in option else "stripe"
    args = ["src", "--kind", kind, "--entity", "US01", "--secret-env", "S", "--option", option]
    if message is None:
        run(*args)
        return
    with tables_unchanged(), pytest.raises(CommandError, match=message):
        run(*args)


def test_a_stripe_option_its_reader_refuses_in_value_is_refused(entities: None) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match="payment_method"):
        too_long = "payment_method=" + "x" * 98
        run("src", "--kind", "stripe", "--entity", "US01", "--secret-env", "S", "--option", too_long)
