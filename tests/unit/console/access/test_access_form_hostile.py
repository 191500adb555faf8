"""The access form, posted hostile text by an integration admin: the form's error, a 4xx at
worst, never a 500; each example in a savepoint rolled back after it."""

from __future__ import annotations

from typing import Any

from django.test import Client
from hypothesis import given

from console.access.models import User
from tests.conftest import login
from tests.strategies import examples, form_data, posted


@examples(40)
@given(data=form_data(["roles", "entities", "reason"]))
def test_the_access_form_never_answers_500(configured: dict[str, Any], data: dict[str, Any]) -> None:
    olivia = User.objects.get(username="olivia")
    client = login(Client(), "admin")
    posted(client, f"/access/people/{olivia.pk}/", data)
