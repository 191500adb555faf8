"""People and their access, for integration admins: thin; rules in services.user_access_set."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.access.decorators import role_required
from console.access.forms import AccessForm, DeactivateForm, PersonAddForm
from console.access.login_audit import client_ip
from console.access.models import User
from console.access.people import PersonNotFound, person_deactivate, person_invite
from console.access.roles import Role
from console.access.selectors import entity_codes_visible, may_manage, people_manageable, user_access
from console.access.services import AccessError, user_access_set
from console.audit.actors import Actor


def _grantable(request: HttpRequest) -> list[str]:
    return entity_codes_visible(request.user)


@require_safe
@role_required(Role.ADMIN)
def people_list(request: HttpRequest) -> HttpResponse:
    """Only the people this admin may manage (every entity they hold is the admin's)."""
    rows = [(person, access, sorted(access.entity_codes)) for person, access in people_manageable(request.user)]
    return render(request, "access/people.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def person_access(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, is_active=True)
    current = user_access(person)
    own = person.pk == request.user.pk
    if not own and not may_manage(request.user, person, current):
        # The same answer whether the person exists or not: nothing about other entities leaks.
        raise Http404("no such person among the people you manage")
    grantable = _grantable(request)
    initial = {"roles": [r.value for r in current.roles], "entities": sorted(current.entity_codes & set(grantable))}
    form = AccessForm(request.POST or None, initial=initial, grantable=grantable)
    if request.method == "POST" and not own and form.is_valid():
        try:
            user_access_set(
                user=person,
                roles=form.chosen_roles(),
                entity_codes=form.cleaned_data["entities"],
                by=request.user,  # type: ignore[arg-type]
                actor=Actor.person(request.user, client_ip(request)),
                reason=form.cleaned_data["reason"],
            )
        except AccessError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, f"Access of {person.username} changed.")
            return redirect("people-list")
    return render(
        request,
        "access/person.html",
        {"person": person, "form": form, "own": own, "deactivate_form": DeactivateForm()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def person_add(request: HttpRequest) -> HttpResponse:
    """The invitation link is in the answer to the POST only, as a token is."""
    form = PersonAddForm(request.POST or None, grantable=_grantable(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = person_invite(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.chosen_roles(),
                entity_codes=form.cleaned_data["entities"],
                by=request.user,
                actor=Actor.person(request.user, client_ip(request)),
                reason=form.cleaned_data["reason"],
            )
        except AccessError as err:
            form.add_error(None, str(err))
        else:
            link = request.build_absolute_uri(invitation.path)
            return render(request, "access/invited.html", {"person": invitation.user, "link": link})
        return render(request, "access/person_add.html", {"form": form}, status=400)
    return render(request, "access/person_add.html", {"form": form}, status=400 if request.method == "POST" else 200)


@require_POST
@role_required(Role.ADMIN)
def person_deactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    form = DeactivateForm(request.POST)
    if form.is_valid():
        try:
            person = person_deactivate(
                user_id=user_id,
                by=request.user,
                actor=Actor.person(request.user, client_ip(request)),
                reason=form.cleaned_data["reason"],
            )
        except PersonNotFound as err:
            raise Http404(str(err)) from err
        except AccessError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, f"{person.username} deactivated: their sessions and tokens have ended.")
            return redirect("people-list")
    person = get_object_or_404(User, pk=user_id, is_active=True)
    if not may_manage(request.user, person):
        raise Http404("no such person among the people you manage")
    access_form = AccessForm(initial={}, grantable=_grantable(request))
    context = {"person": person, "form": access_form, "own": False, "deactivate_form": form}
    return render(request, "access/person.html", context, status=400)
