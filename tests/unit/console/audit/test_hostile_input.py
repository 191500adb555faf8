"""No input breaks an auditor's page: stored text of any shape, and any query string, get a
page, the form's error (400) or a 404, never a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.access.models import User
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.audit.services import AuditEntry, audit_record_many
from tests.conftest import login

pytestmark = pytest.mark.django_db

AWKWARD_IDS = ["a/b", "../../admin", ".", "..", "x?y=1#z", "50% off", " padded ", "é/漢字", "a" * 64, "<b>&amp;"]


@pytest.fixture
def auditor(configured: dict[str, Any], client: Client) -> Client:
    with transaction.atomic():
        audit_record_many(
            actor=Actor.system("test"),
            entries=[AuditEntry("event.failed", "sync_event", object_id, "US01") for object_id in AWKWARD_IDS],
        )
    return login(client, "auditor")


def test_a_failed_sign_in_as_a_slash_name_leaves_the_trail_readable(configured: dict[str, Any]) -> None:
    Client().post("/accounts/login/", {"username": "a/b", "password": "wrong-password-guess"})
    client = login(Client(), "auditor")
    page = client.get("/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/audit/object/?object_type=username&amp;object_id=a%2Fb" in html
    history = client.get("/audit/object/?object_type=username&object_id=a%2Fb")
    assert history.status_code == 200 and "auth.login_failed" in history.content.decode()


@pytest.mark.parametrize("object_id", AWKWARD_IDS)
def test_every_row_links_to_its_own_history(auditor: Client, object_id: str) -> None:
    html = auditor.get("/audit/?entity=US01").content.decode()
    link = "/audit/object/?" + urlencode({"object_type": "sync_event", "object_id": object_id})
    assert link.replace("&", "&amp;") in html
    history = auditor.get(link)
    assert history.status_code == 200
    rows = history.context["rows"]
    assert [row.object_id for row in rows] == [object_id]


def test_a_failed_sign_in_of_a_person_goes_to_their_history_and_a_number_is_not_a_user(
    configured: dict[str, Any],
) -> None:
    olivia = User.objects.get(username="olivia")
    Client().post("/accounts/login/", {"username": "olivia", "password": "wrong-password-guess"})
    Client().post("/accounts/login/", {"username": str(olivia.pk), "password": "wrong-password-guess"})
    failed = AuditEvent.objects.filter(action="auth.login_failed").order_by("sequence")
    assert [(e.object_type, e.object_id) for e in failed] == [("user", str(olivia.pk)), ("username", str(olivia.pk))]


def test_a_long_username_fits_the_trail(configured: dict[str, Any]) -> None:
    typed = "x" * 150
    Client().post("/accounts/login/", {"username": typed, "password": "wrong-password-guess"})
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.object_id == "x" * 64 and failed.after_data == {"username": typed}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=0000-01-01", "Enter a valid date."),
        ("until=10000-01-01", "Enter a valid date."),
        ("before=99999999999999999999", "less than or equal to"),
        ("before=abc", "Enter a whole number."),
        ("before=0", "greater than or equal to 1"),
        ("actor=" + "a" * 201, "at most 200 characters"),
        ("object_id=a%00b", "the address holds a NUL character"),  # refused before any view (request_guard)
        ("correlation_id=" + "c" * 201, "at most 200 characters"),
        ("action=no.such.action", "Select a valid choice."),
    ],
)
def test_a_bad_filter_is_the_forms_error_with_a_400(auditor: Client, query: str, message: str) -> None:
    response = auditor.get(f"/audit/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    export = auditor.get(f"/audit/export.csv?{query}")
    assert export.status_code == 400 and message in export.content.decode()
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "Pacific/Kiritimati", "America/Los_Angeles"])
@pytest.mark.parametrize("query", ["since=0001-01-01", "until=9999-12-31", "since=0001-01-01&until=9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_mean_an_open_period(
    auditor: Client, zone: str, query: str, settings: Any
) -> None:
    User.objects.filter(username="ada").update(time_zone=zone)
    response = auditor.get(f"/audit/?{query}&entity=US01")
    assert response.status_code == 200
    assert {row.object_id for row in response.context["rows"]} >= set(AWKWARD_IDS)


def test_the_day_after_the_calendar_ends_in_an_export(auditor: Client) -> None:
    response = auditor.get("/audit/export.json?until=9999-12-31&entity=US01")
    assert response.status_code == 200 and response.json()["range"]["rows"] >= len(AWKWARD_IDS)


@pytest.mark.parametrize("fmt", ["xml", "csv.exe", "JSON", "html"])
def test_an_unknown_export_format_is_not_found(auditor: Client, fmt: str) -> None:
    assert auditor.get(f"/audit/export.{fmt}").status_code == 404
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_the_object_page_without_an_object_asks_for_one(auditor: Client) -> None:
    page = auditor.get("/audit/object/")
    assert page.status_code == 200 and "Show its history" in page.content.decode()
    incomplete = auditor.get("/audit/object/?object_type=sync_event")
    assert incomplete.status_code == 400 and "This field is required." in incomplete.content.decode()
    too_long = auditor.get("/audit/object/?object_type=sync_event&object_id=" + "x" * 65)
    assert too_long.status_code == 400 and "at most 64 characters" in too_long.content.decode()


FIELDS = ["since", "until", "actor", "action", "entity", "object_type", "object_id", "correlation_id", "before"]


def _query() -> st.SearchStrategy[str]:
    """Query strings of the filter's own names (and others), with any bytes as values."""
    name = st.one_of(st.sampled_from(FIELDS), st.text(max_size=8))
    value = st.one_of(
        st.binary(max_size=300),
        st.dates().map(lambda d: d.isoformat().encode()),
        st.integers().map(lambda n: str(n).encode()),
        st.sampled_from([b"0001-01-01", b"9999-12-31", b"0000-00-00", b"1e9", b"-1", b"\x00", b"\xff\xfe"]),
    )
    pair = st.tuples(name, value).map(lambda nv: f"{quote_from_bytes(nv[0].encode())}={quote_from_bytes(nv[1])}")
    return st.lists(pair, max_size=6).map("&".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=_query())
def test_no_query_string_makes_an_audit_page_fail(auditor: Client, query: str) -> None:
    for path in ("/audit/", "/audit/object/", "/audit/export.json"):
        response = auditor.get(f"{path}?{query}")
        # An object with no history in the auditor's entities is not found (404), as a foreign one.
        answers = (200, 400, 404) if path == "/audit/object/" else (200, 400)
        assert response.status_code in answers, (path, query, response.status_code)
