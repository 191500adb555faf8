"""Saved views of the case list: named filters per person, changed by their owner only,
one default, shareable by their link (held to the opener's own entities)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from guardian.shortcuts import assign_perm

from console.access.models import User
from console.access.roles import Role
from console.casework.models import ExceptionCase, SavedView
from console.casework.services.saved_views import (
    SavedViewError,
    SavedViewNotFound,
    saved_view_create,
    saved_view_delete,
    saved_view_rename,
    saved_view_set_default,
)
from console.sync.models import LegalEntity
from tests.conftest import login
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import person

pytestmark = pytest.mark.django_db


def _view(owner: User, name: str, query: str, default: bool = False) -> SavedView:
    return saved_view_create(user=owner, name=name, query=query, default=default)


def test_a_view_keeps_the_filter_only_in_a_canonical_order(blocked_case: ExceptionCase) -> None:
    olivia, _ = person("operator")
    view = _view(olivia, "  Overdue   US  ", "page=3&view=9&severity=medium&entity=US01&junk=1&q=")
    assert view.name == "Overdue US"
    assert view.query == "entity=US01&severity=medium"


def test_a_filter_that_does_not_read_is_not_saved(blocked_case: ExceptionCase) -> None:
    olivia, _ = person("operator")
    with tables_unchanged(), pytest.raises(SavedViewError, match="entity"):
        _view(olivia, "foreign", "entity=FR01")
    with pytest.raises(SavedViewError, match="name"):
        _view(olivia, " ", "state=all")


def test_names_are_unique_per_person_not_across_people(blocked_case: ExceptionCase) -> None:
    olivia, carl = person("operator")[0], person("controller")[0]
    _view(olivia, "Mine", "state=all")
    with pytest.raises(SavedViewError, match="already"):
        _view(olivia, "Mine", "severity=low")
    assert _view(carl, "Mine", "severity=low").owner == carl


def test_one_default_per_person(blocked_case: ExceptionCase) -> None:
    olivia, _ = person("operator")
    first = _view(olivia, "first", "state=all", default=True)
    second = _view(olivia, "second", "severity=medium", default=True)
    assert list(SavedView.objects.filter(owner=olivia, is_default=True)) == [second]
    saved_view_set_default(user=olivia, view_id=first.pk, default=True)
    assert list(SavedView.objects.filter(owner=olivia, is_default=True)) == [first]
    saved_view_set_default(user=olivia, view_id=first.pk, default=False)
    assert not SavedView.objects.filter(owner=olivia, is_default=True).exists()


def test_rename_and_delete(blocked_case: ExceptionCase) -> None:
    olivia, _ = person("operator")
    view = _view(olivia, "old", "state=all")
    assert saved_view_rename(user=olivia, view_id=view.pk, name="new").name == "new"
    saved_view_delete(user=olivia, view_id=view.pk)
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_nobody_changes_another_persons_view(blocked_case: ExceptionCase) -> None:
    olivia, carl = person("operator")[0], person("controller")[0]
    view = _view(olivia, "hers", "state=all", default=False)
    with tables_unchanged():
        for change in (
            lambda: saved_view_rename(user=carl, view_id=view.pk, name="mine now"),
            lambda: saved_view_delete(user=carl, view_id=view.pk),
            lambda: saved_view_set_default(user=carl, view_id=view.pk, default=True),
        ):
            with pytest.raises(SavedViewNotFound):
                change()
    client = login(Client(), "controller")
    for op, body in (("rename", {"name": "x"}), ("delete", {}), ("default", {"default": "on"})):
        assert client.post(f"/cases/views/{view.pk}/{op}/", body).status_code == 404
    view.refresh_from_db()
    assert (view.name, view.is_default) == ("hers", False)


def test_a_role_that_reads_no_cases_may_not_save_a_view(blocked_case: ExceptionCase) -> None:
    ian, _ = person("admin")
    with tables_unchanged(), pytest.raises(PermissionDenied):
        _view(ian, "admin's", "state=all")
    client = login(Client(), "admin")
    assert client.post("/cases/views/save/", {"name": "x", "query": ""}).status_code == 403
    assert client.get("/cases/views/").status_code == 403


def test_saving_from_the_list_opens_the_view(blocked_case: ExceptionCase) -> None:
    client = login(Client(), "operator")
    response = client.post("/cases/views/save/", {"name": "Medium", "query": "severity=medium&page=2"})
    view = SavedView.objects.get(name="Medium")
    assert response.status_code == 302 and response["Location"] == f"/cases/?view={view.pk}"
    opened = client.get(response["Location"])
    assert opened.status_code == 302 and opened["Location"] == f"/cases/?severity=medium&view={view.pk}"
    page = client.get(opened["Location"]).content.decode()
    assert "View <strong>Medium</strong>" in page
    assert f"#{blocked_case.pk}</a>" in page


def test_the_default_view_opens_the_bare_list_and_view_none_does_not(blocked_case: ExceptionCase) -> None:
    olivia, _ = person("operator")
    view = _view(olivia, "Low only", "severity=low", default=True)
    client = login(Client(), "operator")
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"] == f"/cases/?severity=low&view={view.pk}"
    assert f"#{blocked_case.pk}</a>" not in client.get(response["Location"]).content.decode()  # medium
    unfiltered = client.get("/cases/?view=none")
    assert unfiltered.status_code == 200 and f"#{blocked_case.pk}</a>" in unfiltered.content.decode()
    # Another person without a default gets the bare list.
    assert login(Client(), "controller").get("/cases/").status_code == 200


def test_a_shared_view_shows_the_opener_only_their_own_entities(blocked_case: ExceptionCase) -> None:
    olivia, _ = person("operator")
    view = _view(olivia, "Everything", "state=all")
    # A person of another entity opens olivia's link: the same filter, none of US01's cases.
    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    fabienne = User.objects.create_user("fabienne", password="x-not-used-x")
    fabienne.groups.add(*[g for g in olivia.groups.all() if g.name == Role.OPERATOR.group_name])
    assign_perm("sync.view_legalentity", fabienne, fr)
    client = Client()
    client.force_login(fabienne)
    response = client.get(f"/cases/?view={view.pk}")
    assert response["Location"] == f"/cases/?state=all&view={view.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "shared by olivia" in page
    assert 'data-total="0"' in page and f"#{blocked_case.pk}</a>" not in page
    assert client.get("/cases/?view=999999").status_code == 404


def test_the_page_lists_only_the_persons_own_views(blocked_case: ExceptionCase) -> None:
    olivia, carl = person("operator")[0], person("controller")[0]
    _view(olivia, "olivia's view", "state=all")
    _view(carl, "carl's view", "state=all")
    page = login(Client(), "operator").get("/cases/views/").content.decode()
    assert "olivia&#x27;s view" in page and "carl" not in page.split("<main>", 1)[1]
