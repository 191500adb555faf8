"""People and their access, for integration admins: thin; rules in services.user_access_set."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from console.access.decorators import role_required
from console.access.forms import AccessForm
from console.access.login_audit import client_ip
from console.access.models import User
from console.access.roles import Role
from console.access.selectors import entity_codes_visible, user_access
from console.access.services import AccessError, user_access_set
from console.audit.actors import Actor


def _grantable(request: HttpRequest) -> list[str]:
    return entity_codes_visible(request.user)


@require_safe
@role_required(Role.ADMIN)
def people_list(request: HttpRequest) -> HttpResponse:
    grantable = set(_grantable(request))
    people = [
        (person, user_access(person))
        for person in User.objects.filter(is_active=True).order_by("username").prefetch_related("groups")
    ]
    # Entities the admin cannot see are not named to them.
    rows = [(p, a, sorted(a.entity_codes & grantable)) for p, a in people]
    return render(request, "access/people.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def person_access(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, is_active=True)
    grantable = _grantable(request)
    current = user_access(person)
    initial = {"roles": [r.value for r in current.roles], "entities": sorted(current.entity_codes & set(grantable))}
    form = AccessForm(request.POST or None, initial=initial, grantable=grantable)
    if request.method == "POST" and form.is_valid():
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
    own = person.pk == request.user.pk
    return render(request, "access/person.html", {"person": person, "form": form, "own": own})
