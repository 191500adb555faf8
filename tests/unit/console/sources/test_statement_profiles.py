"""CSV statement profiles kept by the console: saved by an integration admin only, audited with
before and after, a change explained; and a CSV file read through one, on the page and from the
shell."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from console.access.models import User
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sources.file_models import BankStatement, StatementFile, StatementProfile
from console.sources.services.statement_profiles import csv_profile, profile_choices, statement_profile_save
from console.sync.models import EventState, SyncEvent
from console.sync.services.demo import DEMO_BANK_ACCOUNT
from console.sync.services.drain import events_drain
from integrations.bank.csv_profile import ProfileRefused, profile_named
from integrations.bank.statement import FileRefused
from tests.conftest import PERSONAS, login
from tests.tables import tables_unchanged
from tests.unit.console.sources.test_file_upload import confirm_fields, upload

pytestmark = pytest.mark.django_db
OCA = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "bank_csv" / "oca"
SEMICOLONS = {
    "note": "a bank writing 1.525,00 with semicolons",
    "delimiter": ";",
    "decimal_separator": ",",
    "thousands_separator": ".",
    "date_format": "%d.%m.%Y",
    "amount_layout": "signed",
    "amount": "Betrag",
    "booking_date": "Buchungstag",
    "description": "Verwendungszweck",
}


def person(role: str) -> User:
    return User.objects.get(username=PERSONAS[role])


def save(definition: dict[str, Any], *, role: str = "admin", reason: str = "") -> Any:
    user = person(role)
    return statement_profile_save(
        name="bank-de", definition=definition, user=user, actor=Actor.person(user), reason=reason
    )


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
def test_only_an_integration_admin_saves_a_profile(configured: dict[str, Any], role: str) -> None:
    with tables_unchanged(), pytest.raises(PermissionDenied):
        save(SEMICOLONS, role=role)


def test_a_saved_profile_is_audited_and_reads_back_as_saved(configured: dict[str, Any]) -> None:
    saved = save(SEMICOLONS)
    assert (saved.created, saved.changed) == (True, True)
    audit = AuditEvent.objects.get(action="statement_profile.created")
    assert audit.before is None and audit.after_data["definition"]["delimiter"] == ";"
    assert csv_profile("bank-de").to_dict() == saved.profile.definition
    assert profile_choices()[0] == "bank-de" and "oca_balance" in profile_choices()


def test_a_change_needs_a_reason_and_keeps_both_definitions(configured: dict[str, Any]) -> None:
    save(SEMICOLONS)
    with tables_unchanged(), pytest.raises(ProfileRefused, match="reason: say why"):
        save({**SEMICOLONS, "date_format": "%d/%m/%Y"})
    save({**SEMICOLONS, "date_format": "%d/%m/%Y"}, reason="the bank changed its export on 1 December")
    changed = AuditEvent.objects.get(action="statement_profile.changed")
    assert (changed.before_data["definition"]["date_format"], changed.after_data["definition"]["date_format"]) == (
        "%d.%m.%Y",
        "%d/%m/%Y",
    )
    assert changed.reason == "the bank changed its export on 1 December"


def test_saving_the_same_definition_again_writes_nothing(configured: dict[str, Any]) -> None:
    save(SEMICOLONS)
    with tables_unchanged():
        assert save(SEMICOLONS).changed is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"decimal_separator": ";"}, "decimal_separator"),
        ({"amount_layout": "both"}, "amount_layout"),
        ({"colour": "blue"}, "colour"),
        ({"skip_rows": "2"}, "skip_rows"),
        ({"name": "another"}, "name"),
    ],
)
def test_a_wrong_field_is_refused_by_its_name_and_nothing_is_stored(
    configured: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    with tables_unchanged(), pytest.raises(ProfileRefused) as refused:
        save({**SEMICOLONS, **change})
    assert refused.value.field == field


def test_a_stored_profile_of_a_ready_made_name_is_the_one_used(configured: dict[str, Any]) -> None:
    ready = profile_named("oca_balance").to_dict()
    admin = person("admin")
    statement_profile_save(
        name="oca_balance", definition={**ready, "date_format": "%d/%m/%Y"}, user=admin, actor=Actor.person(admin)
    )
    assert csv_profile("oca_balance").date_format == "%d/%m/%Y"


def test_an_unknown_profile_is_refused_naming_those_there_are(configured: dict[str, Any]) -> None:
    with pytest.raises(FileRefused, match=r"no CSV profile 'nope': there are .*oca_balance"):
        csv_profile("nope")


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_the_command_saves_lists_and_shows_a_profile(configured: dict[str, Any], tmp_path: Path) -> None:
    definition = tmp_path / "bank-de.json"
    definition.write_text(json.dumps(SEMICOLONS))
    assert run("statement_profile", "bank-de", "--from-json", str(definition)) == "profile bank-de: created\n"
    assert run("statement_profile", "bank-de", "--from-json", str(definition)) == "profile bank-de: unchanged\n"
    assert "bank-de" in run("statement_profile", "--list").split()
    assert json.loads(run("statement_profile", "bank-de"))["decimal_separator"] == ","
    assert (
        AuditEvent.objects.filter(action="statement_profile.created", actor_label="system:statement_profile").count()
        == 1
    )


def test_the_command_refuses_what_is_not_a_profile_by_name(configured: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**SEMICOLONS, "amount_layout": "both"}))
    with tables_unchanged(), pytest.raises(CommandError, match="amount_layout"):
        run("statement_profile", "bank-de", "--from-json", str(bad))
    bad.write_text("[1, 2]")
    with pytest.raises(CommandError, match="not an object"):
        run("statement_profile", "bank-de", "--from-json", str(bad))


def test_a_csv_file_through_a_profile_previews_imports_and_posts_from_the_page(
    client: Client, configured: dict[str, Any]
) -> None:
    content = (OCA / "balance.csv").read_bytes()
    login(client, "operator")
    fields = {"format": "csv", "profile": "oca_balance", "account": DEMO_BANK_ACCOUNT}
    preview = upload(client, "balance.csv", content, **fields)
    page = preview.content.decode()
    assert preview.status_code == 200, page
    assert re.search(r'data-figure="entries">2: <span data-figure="new">2</span> new', page)
    assert 'data-check="passes"' in page and "read through the profile <code>oca_balance</code>" in page
    assert client.post("/files/confirm/", confirm_fields(page)).status_code == 302
    file = StatementFile.objects.get()
    statement = BankStatement.objects.get(file=file)
    assert (file.format, file.profile, statement.account, statement.currency) == (
        "csv",
        "oca_balance",
        DEMO_BANK_ACCOUNT,
        "USD",
    )
    assert (str(statement.opening), str(statement.closing), statement.problems) == ("10.00", "1510.00", [])
    events_drain()
    assert list(SyncEvent.objects.values_list("state", flat=True)) == [EventState.POSTED, EventState.POSTED]


def test_a_csv_file_without_a_profile_is_refused_and_a_profile_for_camt_too(
    client: Client, configured: dict[str, Any]
) -> None:
    login(client, "operator")
    with tables_unchanged():
        no_profile = upload(client, "balance.csv", (OCA / "balance.csv").read_bytes(), format="csv")
        camt_profile = upload(client, "day.xml", b"<Document/>", format="camt053", profile="oca_balance")
    # A form's errors are written by the Jinja2 form templates: MarkupSafe spells ' as &#39;.
    assert no_profile.status_code == 400 and "read through a bank&#39;s profile" in no_profile.content.decode()
    assert camt_profile.status_code == 400 and "are for CSV files" in camt_profile.content.decode()


def test_import_statement_reads_a_csv_file_through_its_profile(configured: dict[str, Any]) -> None:
    args = ["--source", "bankfeed", "--entity", "US01", "--format", "csv", "--profile", "oca_balance"]
    out = run("import_statement", str(OCA / "balance.csv"), *args, "--account", DEMO_BANK_ACCOUNT)
    assert "1 statements, 2 entries: 2 new, 0 imported before, 0 refused" in out and "balanced" in out
    assert StatementProfile.objects.count() == 0  # a ready-made profile, not a stored one
