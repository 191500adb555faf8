"""People: an integration admin adds a person by invitation (they choose their own password,
once) and deactivates one (their sessions and tokens end at once); nobody is both maker and
checker; every write refused to a role lacking it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from console.access.models import PersonalToken, User
from console.access.roles import Role
from console.access.selectors import user_access
from console.access.services import personal_token_create
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

NEW = {
    "username": "nina",
    "full_name": "Nina Novak",
    "email": "nina@example.com",
    "roles": ["operator"],
    "entities": ["US01"],
    "reason": "joins accounts receivable",
}
CHOSEN = "a-long-passphrase-of-nina-42"


def signs_in(username: str, password: str) -> bool:
    """Through the sign-in form, as a person does (django-axes needs the request)."""
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return bool(response.status_code == 302)


def invitation_link(page: str) -> str:
    found = re.search(r"data-invitation>https?://[^/]+(/accounts/invitation/[^<]+)<", page)
    assert found, "no invitation link shown"
    return found.group(1)


def test_an_admin_invites_a_person_who_chooses_a_password_once(configured: dict[str, Any], client: Client) -> None:
    response = login(client, "admin").post("/access/people/new/", NEW)
    assert response.status_code == 200
    link = invitation_link(response.content.decode())
    nina = User.objects.get(username="nina")
    assert not nina.has_usable_password() and nina.is_active
    assert user_access(nina).roles == {Role.OPERATOR} and user_access(nina).entity_codes == {"US01"}
    row = AuditEvent.objects.get(action="user.invited")
    assert row.after_data["roles"] == ["operator"] and row.after_data["entities"] == ["US01"]
    assert row.reason == "joins accounts receivable" and row.actor_label == "ian"
    assert "invited, not yet signed in" in client.get("/access/people/").content.decode()

    guest = Client()
    opened = guest.get(link)
    assert opened.status_code == 302  # to the same page without the token in the address
    form = guest.get(opened["Location"])
    assert b'name="new_password1"' in form.content
    done = guest.post(opened["Location"], {"new_password1": CHOSEN, "new_password2": CHOSEN})
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    assert AuditEvent.objects.filter(action="user.invitation_accepted", object_id=str(nina.pk)).count() == 1
    assert signs_in("nina", CHOSEN)
    # Used: the link opens nothing now.
    again = Client().get(link, follow=True)
    assert b"not valid" in again.content and b'name="new_password1"' not in again.content


def test_an_invitation_never_resets_the_password_of_someone_who_has_one(configured: dict[str, Any]) -> None:
    from console.access.people import invitation_path

    olivia = User.objects.get(username="olivia")
    page = Client().get(invitation_path(olivia), follow=True)
    assert b"not valid" in page.content and b'name="new_password1"' not in page.content


def test_a_weak_password_is_refused_on_the_invitation(configured: dict[str, Any], client: Client) -> None:
    link = invitation_link(login(client, "admin").post("/access/people/new/", NEW).content.decode())
    guest = Client()
    where = guest.get(link)["Location"]
    refused = guest.post(where, {"new_password1": "short", "new_password2": "short"})
    assert refused.status_code == 200 and not User.objects.get(username="nina").has_usable_password()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({**NEW, "roles": ["operator", "controller"]}, "both a finance operator and a controller"),
        ({**NEW, "username": "olivia"}, "is taken"),
        ({**NEW, "entities": ["FR01"]}, "not one of the available choices"),
        ({**NEW, "reason": ""}, "This field is required"),
    ],
)
def test_a_person_who_cannot_be_added_is_refused_naming_why(
    configured: dict[str, Any], client: Client, body: dict[str, Any], says: str
) -> None:
    login(client, "admin")
    with tables_unchanged():
        response = client.post("/access/people/new/", body)
    assert response.status_code == 400 and says in response.content.decode()


def test_operator_and_controller_for_one_person_is_refused_when_access_changes(
    configured: dict[str, Any], client: Client
) -> None:
    olivia = User.objects.get(username="olivia")
    login(client, "admin")
    with tables_unchanged():
        response = client.post(
            f"/access/people/{olivia.pk}/", {"roles": ["operator", "controller"], "entities": ["US01"], "reason": "x"}
        )
    assert "maker and checker" in response.content.decode()
    assert user_access(olivia).roles == {Role.OPERATOR}


def test_a_deactivated_person_is_signed_out_at_once_and_their_token_refused(
    configured: dict[str, Any], client: Client
) -> None:
    olivia = User.objects.get(username="olivia")
    her = login(Client(), "operator")
    assert her.get("/cases/").status_code == 200
    token = personal_token_create(user=olivia, actor=Actor.system("test")).token
    assert Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    response = login(client, "admin").post(f"/access/people/{olivia.pk}/deactivate/", {"reason": "left the company"})
    assert response.status_code == 302 and response["Location"] == "/access/people/"
    # Her next request finds no session: she is sent to sign in.
    again = her.get("/cases/")
    assert again.status_code == 302 and again["Location"].startswith("/accounts/login/")
    assert not any(str(s.get_decoded().get("_auth_user_id")) == str(olivia.pk) for s in Session.objects.all())
    assert Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert PersonalToken.objects.get(user=olivia).revoked_at is not None
    assert not signs_in("olivia", "correct-horse-battery-staple")
    row = AuditEvent.objects.get(action="user.deactivated")
    assert row.before_data["active"] is True and row.after_data == {
        "username": "olivia",
        "active": False,
        "sessions_ended": 1,
        "tokens_revoked": 1,
    }
    assert row.reason == "left the company"
    assert "<td>olivia" not in client.get("/access/people/").content.decode()  # no longer listed


def test_an_admin_may_not_deactivate_themselves_nor_a_person_of_another_entity(
    configured: dict[str, Any], client: Client
) -> None:
    from guardian.shortcuts import assign_perm

    from console.sync.models import LegalEntity

    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    fabienne = User.objects.create_user("fabienne", password="x-not-used-x")
    assign_perm("sync.view_legalentity", fabienne, fr)
    ian = User.objects.get(username="ian")
    login(client, "admin")
    with tables_unchanged():
        assert client.post(f"/access/people/{ian.pk}/deactivate/", {"reason": "x"}).status_code == 403
        assert client.post(f"/access/people/{fabienne.pk}/deactivate/", {"reason": "x"}).status_code == 404


def test_the_people_page_shows_the_last_sign_in(configured: dict[str, Any], client: Client) -> None:
    assert signs_in("carl", "correct-horse-battery-staple")
    carl = User.objects.get(username="carl")
    assert carl.last_login is not None
    page = login(client, "admin").get("/access/people/").content.decode()
    row = next(r for r in page.split("<tr>") if "carl" in r)
    assert carl.last_login.strftime("%Y-%m-%d") in row


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
@pytest.mark.parametrize("write", ["add", "deactivate"])
def test_every_people_write_is_refused_to_a_role_lacking_it(
    configured: dict[str, Any], client: Client, role: str, write: str
) -> None:
    carl = User.objects.get(username="carl")
    path, body = {
        "add": ("/access/people/new/", NEW),
        "deactivate": (f"/access/people/{carl.pk}/deactivate/", {"reason": "x"}),
    }[write]
    login(client, role)
    with tables_unchanged():
        assert client.post(path, body).status_code == 403
