"""Archiving posted events (services/retention.py): only old posted events no case works on go,
with their attempts and repeats, into a file whose sha256 the trail records; the rows stay as
tombstones, so a copy sent again is a repeat and never posts twice; the trail is not touched and
still verifies; a dry run changes nothing; only an integration admin (or the system) archives."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from console.access.models import User
from console.archive_files import ArchiveError, archive_read
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.audit.verify import audit_chain_check
from console.casework.models import CaseState, ExceptionCase
from console.casework.services.actions import case_dismiss
from console.sync.models import DuplicateAttempt, EventState, LegalEntity, PostingAttempt, SourceSystem, SyncEvent
from console.sync.services.changes import events_changed_report
from console.sync.services.drain import events_drain
from console.sync.services.retention import events_archive
from tests.conftest import PERSONAS
from tests.factories import invoice_event, payment_event
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

OLD = timedelta(days=500)


@pytest.fixture
def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def archive_dir(settings: Any, tmp_path: Path) -> Path:
    settings.ARCHIVE_DIR = tmp_path / "archive"
    settings.RETENTION_EVENTS_DAYS = 400
    return Path(settings.ARCHIVE_DIR)


def send(api: APIClient, *events: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.post("/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json")
    assert response.status_code in (200, 201, 409), response.content
    return list(response.json()["results"])


def person(role: str) -> User:
    return User.objects.get(username=PERSONAS[role])


def admin_archive(**options: Any) -> Any:
    ian = person("admin")
    return events_archive(user=ian, actor=Actor.person(ian), **options)


def posted_long_ago(*ids: int) -> None:
    """As if they had posted 500 days ago: the only thing a test may not wait for."""
    SyncEvent.objects.filter(pk__in=ids).update(posted_at=timezone.now() - OLD)


def moves(sandbox: Any, ref: str) -> int:
    return int(sandbox.control.count("account.move", [["ref", "=", ref]]))


@pytest.fixture
def history(api: APIClient, archive_dir: Path) -> dict[str, Any]:
    """Two old invoices (one sent twice), an old payment, a recent invoice, and an old invoice
    that waits unposted: posted as a worker would, then the old ones aged."""
    results = send(api, invoice_event("old-1"), invoice_event("old-2"), payment_event("pay-old", "old-1"))
    old = [int(r["event_id"]) for r in results]
    [recent] = [int(r["event_id"]) for r in send(api, invoice_event("recent-1"))]
    assert events_drain().posted == 4
    send(api, invoice_event("old-2"))  # a repeat, recorded against old-2
    [waiting] = [int(r["event_id"]) for r in send(api, invoice_event("waiting-1"))]
    SyncEvent.objects.filter(pk=waiting).update(received_at=timezone.now() - OLD)
    posted_long_ago(*old)
    return {"old": old, "recent": recent, "waiting": waiting}


def test_only_old_posted_events_go_with_their_attempts_and_repeats(history: dict[str, Any], archive_dir: Path) -> None:
    old, recent, waiting = history["old"], history["recent"], history["waiting"]
    old_attempts = set(PostingAttempt.objects.filter(event_id__in=old).values_list("pk", flat=True))
    recent_attempts = set(PostingAttempt.objects.filter(event_id=recent).values_list("pk", flat=True))
    repeats = set(DuplicateAttempt.objects.filter(event_id__in=old).values_list("pk", flat=True))
    assert len(old_attempts) == 3 and recent_attempts and len(repeats) == 1
    invoice_payload = SyncEvent.objects.get(pk=old[0]).payload

    summary = admin_archive()

    assert (summary.events, summary.attempts, summary.duplicates, summary.kept_for_cases) == (3, 3, 1, 0)
    assert not PostingAttempt.objects.filter(pk__in=old_attempts).exists()
    assert not DuplicateAttempt.objects.filter(pk__in=repeats).exists()
    assert set(PostingAttempt.objects.filter(event_id=recent).values_list("pk", flat=True)) == recent_attempts
    # The rows stay as tombstones: the key, the amount, the Odoo record; the payment's bulk goes,
    # the invoices keep what a late payment or credit note reads.
    [archive] = summary.files
    tombstones = {e.pk: e for e in SyncEvent.objects.filter(pk__in=old)}
    assert {e.archive_name for e in tombstones.values()} == {archive["file"]}
    assert all(e.state == EventState.POSTED and e.odoo_id and e.archived_at for e in tombstones.values())
    assert tombstones[old[0]].payload == invoice_payload
    assert tombstones[old[2]].payload == {} and tombstones[old[2]].mapping_versions == []
    untouched = SyncEvent.objects.filter(pk__in=[recent, waiting])
    assert all(e.archived_at is None and e.payload for e in untouched)

    lines = archive_read(archive_dir / archive["file"])
    header, rows = lines[0], lines[1:]
    assert header["type"] == "header" and (header["events"], header["attempts"], header["duplicates"]) == (3, 3, 1)
    assert [row["event"]["id"] for row in rows] == sorted(old)
    assert {a["id"] for row in rows for a in row["attempts"]} == old_attempts
    assert all(a["event_id"] == row["event"]["id"] for row in rows for a in row["attempts"])
    assert {d["id"] for row in rows for d in row["duplicates"]} == repeats
    payment_row = next(row for row in rows if row["event"]["id"] == old[2])
    assert payment_row["event"]["payload"]["invoice_external_id"] == "old-1"  # what left the row is in the file


def test_the_audit_event_carries_the_files_sha256_and_the_trail_is_untouched(
    history: dict[str, Any], archive_dir: Path
) -> None:
    before = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "hash", "before", "after"))

    summary = admin_archive()

    [archive] = summary.files
    recorded = AuditEvent.objects.get(action="events.archived")
    on_disk = hashlib.sha256((archive_dir / archive["file"]).read_bytes()).hexdigest()
    assert recorded.object_id == archive["file"] and recorded.actor_label == PERSONAS["admin"]
    after = json.loads(recorded.after) if isinstance(recorded.after, str) else recorded.after
    assert after["sha256"] == on_disk == archive["sha256"]
    assert (after["events"], after["attempts"], after["duplicates"]) == (3, 3, 1)
    assert (after["first_event_id"], after["last_event_id"]) == (min(history["old"]), max(history["old"]))
    assert after["cutoff"] == summary.cutoff.isoformat()
    now = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "hash", "before", "after"))
    assert now[: len(before)] == before and len(now) == len(before) + 1
    check = audit_chain_check()
    assert check.ok, check.message


def test_an_archived_event_sent_again_is_a_repeat_and_never_posts_twice(
    api: APIClient, history: dict[str, Any], configured: dict[str, Any]
) -> None:
    admin_archive()
    sandbox = configured["sandbox"]
    assert moves(sandbox, "shopify/old-1") == 1
    events = SyncEvent.objects.count()

    [again] = send(api, invoice_event("old-1"))
    [payment_again] = send(api, payment_event("pay-old", "old-1"))

    assert again["result"] == "duplicate" and again["event_id"] == history["old"][0]
    assert payment_again["result"] == "duplicate" and payment_again["event_id"] == history["old"][2]
    assert SyncEvent.objects.count() == events
    assert set(events_drain().outcomes) == {history["waiting"]}  # the one never posted, not the repeats
    assert moves(sandbox, "shopify/old-1") == 1


def test_an_event_with_an_open_case_stays_until_the_case_closes(history: dict[str, Any]) -> None:
    old = history["old"]
    shopify = SourceSystem.objects.get(code="shopify")
    events_changed_report(source=shopify, external_ids=["old-2"], actor=Actor.system("test"), note="edited")
    case = ExceptionCase.objects.get(event_id=old[1], state=CaseState.OPEN)

    first = admin_archive()

    assert (first.events, first.kept_for_cases) == (2, 1)
    assert SyncEvent.objects.get(pk=old[1]).archived_at is None
    assert PostingAttempt.objects.filter(event_id=old[1]).exists()
    olivia = person("operator")
    case_dismiss(user=olivia, actor=Actor.person(olivia), case_id=case.pk, reason="checked: the edit changed no amount")

    second = admin_archive()

    assert (second.events, second.kept_for_cases) == (1, 0)
    assert SyncEvent.objects.get(pk=old[1]).archived_at is not None
    assert SyncEvent.objects.filter(archived_at__isnull=False).count() == 3


def test_batches_write_one_file_and_one_audit_event_each(history: dict[str, Any], archive_dir: Path) -> None:
    summary = admin_archive(batch_size=2)

    assert [f["events"] for f in summary.files] == [2, 1]
    assert AuditEvent.objects.filter(action="events.archived").count() == 2
    assert sorted(p.name for p in archive_dir.iterdir()) == sorted(f["file"] for f in summary.files)
    assert admin_archive().events == 0  # nothing is archived twice


def test_a_dry_run_counts_and_changes_nothing(history: dict[str, Any], archive_dir: Path) -> None:
    with tables_unchanged():
        summary = admin_archive(dry_run=True)
    assert (summary.events, summary.attempts, summary.duplicates, summary.files) == (3, 3, 1, [])
    assert not archive_dir.exists() or not any(archive_dir.iterdir())


def test_older_than_days_moves_the_cutoff(history: dict[str, Any]) -> None:
    assert admin_archive(older_than_days=600, dry_run=True).events == 0
    assert admin_archive(older_than_days=1, dry_run=True).events == 3  # the recent one posted today


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
def test_a_role_lacking_it_is_refused_and_nothing_changes(history: dict[str, Any], role: str) -> None:
    who = person(role)
    with tables_unchanged(), pytest.raises(PermissionDenied):
        events_archive(user=who, actor=Actor.person(who))
    with tables_unchanged(), pytest.raises(CommandError, match="needs the role"):
        call_command("archive_events", "--by", PERSONAS[role])


def test_an_admin_missing_a_legal_entity_is_refused(history: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="DE01", name="Acme GmbH", odoo_company_id=2, currency="EUR")
    with tables_unchanged(), pytest.raises(PermissionDenied, match="every legal entity"):
        admin_archive()


def test_bad_options_are_refused(history: dict[str, Any]) -> None:
    with pytest.raises(ArchiveError):
        admin_archive(older_than_days=0)
    with pytest.raises(CommandError, match="batch size"):
        call_command("archive_events", "--batch-size", "0")


def test_an_archived_events_page_says_where_its_history_went(history: dict[str, Any], client: Any) -> None:
    summary = admin_archive()
    client.force_login(person("auditor"))
    for event_id in (history["old"][0], history["old"][2]):  # an invoice, and a payment without its payload
        response = client.get(f"/events/{event_id}/")
        assert response.status_code == 200
        assert summary.files[0]["file"] in response.content.decode()


def test_the_command_archives_as_the_system_and_reports_each_file(
    history: dict[str, Any], archive_dir: Path, capsys: Any
) -> None:
    call_command("archive_events", "--dry-run")
    assert "would archive 3 events" in capsys.readouterr().out
    call_command("archive_events")
    out = capsys.readouterr().out
    recorded = AuditEvent.objects.get(action="events.archived")
    assert "archived 3 events" in out and recorded.object_id in out
    assert recorded.actor_label == "system:archive_events"


def test_an_archive_folder_that_cannot_be_made_leaves_every_row(history: dict[str, Any], settings: Any) -> None:
    blocker = Path(settings.ARCHIVE_DIR).parent / "not-a-folder"
    blocker.write_text("a file where the folder would go")
    settings.ARCHIVE_DIR = blocker / "archive"
    with tables_unchanged(), pytest.raises(OSError):
        admin_archive()


def test_a_failure_after_the_file_is_written_leaves_the_rows_and_no_file(
    history: dict[str, Any], archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.sync.services import retention

    def trail_refuses(**_: Any) -> None:  # fault injection: the audit append fails, as a lost database would
        raise RuntimeError("the audit row could not be written")

    monkeypatch.setattr(retention, "audit_record", trail_refuses)
    with tables_unchanged(), pytest.raises(RuntimeError):
        admin_archive()
    assert not any(archive_dir.iterdir())


def test_the_beat_task_archives_as_the_system(history: dict[str, Any]) -> None:
    from console.sync.tasks import archive_events

    assert archive_events() == 3
    assert AuditEvent.objects.get(action="events.archived").actor_label == "system:archive_events"


@pytest.mark.parametrize(("hours", "scheduled"), [("", []), ("24", ["archive-events", "archive-webhook-deliveries"])])
def test_the_beat_schedules_archiving_only_when_asked(tmp_path: Path, hours: str, scheduled: list[str]) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINOPS_", "DATABASE_URL"))}
    env.update(FINOPS_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="console.settings")
    if hours:
        env["FINOPS_RETENTION_SCHEDULE_HOURS"] = hours
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(sorted(k for k in settings.CELERY_BEAT_SCHEDULE if 'archive' in k))",
        ],
        cwd=Path(__file__).resolve().parents[4],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == str(scheduled)


def test_an_archived_statement_line_imported_again_is_known_and_creates_nothing(
    configured: dict[str, Any], archive_dir: Path
) -> None:
    from tests.unit.console.sources.statement_pieces import entry, statement
    from tests.unit.console.sources.test_statement_import import bring_in

    pieces = statement(entry("250.00", ref="A1"), entry("-20.00", ref="A2"))
    bring_in(pieces, b"the bank's export")
    assert events_drain().posted == 2
    line_ids = list(SyncEvent.objects.filter(kind="bank_statement_line").values_list("pk", flat=True))
    posted_long_ago(*line_ids)
    assert admin_archive().events == 2
    assert SyncEvent.objects.filter(pk__in=line_ids, payload={}).count() == 2  # their bulk went to the file

    again = bring_in(pieces, b"the same export, downloaded again")

    assert (again.new_count, again.known_count) == (0, 2)
    assert SyncEvent.objects.filter(kind="bank_statement_line").count() == 2
    assert events_drain().claimed == 0
