"""403, 404 and form-expired pages: the console's layout, why in plain words, and the way back."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def test_a_403_names_the_role_needed_and_leads_back_to_the_dashboard(configured: dict[str, Any]) -> None:
    response = login(Client(), "operator").get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="topbar"' in html and "olivia" in html  # the layout, signed in
    assert "You may not do this" in html and "Needs the role Auditor." in html
    assert '<a href="/">Back to the dashboard</a>' in html


def test_a_403_without_a_message_of_ours_says_so_plainly(configured: dict[str, Any]) -> None:
    # Django and libraries raise PermissionDenied() without a message; handler403 gets it as is.
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.views.defaults import permission_denied

    from console.access.models import User

    request = RequestFactory().get("/somewhere/")
    request.user = User.objects.get(username="olivia")
    response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403 and "Your roles do not include this page or action." in html


def test_a_404_says_why_in_the_layout(configured: dict[str, Any]) -> None:
    response = login(Client(), "auditor").get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="topbar"' in html and "Nothing here" in html
    assert "not in the legal entities you may see" in html and '<a href="/">Back to the dashboard</a>' in html


def test_a_404_for_a_visitor_offers_the_sign_in(configured: dict[str, Any]) -> None:
    html = Client().get("/no/such/page/").content.decode()
    assert "Nothing here" in html and '<a href="/accounts/login/">Sign in</a>' in html


def test_the_404_does_not_echo_markup_from_the_address(configured: dict[str, Any]) -> None:
    html = Client().get("/<script>alert(1)</script>/").content.decode()
    assert "<script>alert(1)" not in html


def test_an_expired_form_says_nothing_was_changed(configured: dict[str, Any]) -> None:
    from console.access.models import User

    client = login(Client(enforce_csrf_checks=True), "admin")
    olivia = User.objects.get(username="olivia")
    # A change the form would make, were the token not missing: nothing of it is made.
    with tables_unchanged():
        response = client.post(
            f"/access/people/{olivia.pk}/",
            {"roles": ["operator", "controller"], "entities": ["US01"], "reason": "covers month end"},
        )
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="topbar"' in html and "Nothing was changed" in html
