"""A person's own settings page: thin; the rule is preferences.time_zone_set."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from console.access.forms import TimeZoneForm
from console.access.login_audit import client_ip
from console.access.preferences import PreferenceError, time_zone_set
from console.audit.actors import Actor


@require_http_methods(["GET", "POST"])
@login_required
def my_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = TimeZoneForm(request.POST or None, initial={"time_zone": getattr(user, "time_zone", "UTC")})
    if request.method == "POST":
        if form.is_valid():
            try:
                time_zone_set(
                    user=user,  # type: ignore[arg-type]
                    actor=Actor.person(user, client_ip(request)),
                    time_zone=form.cleaned_data["time_zone"],
                )
            except PreferenceError as err:
                form.add_error("time_zone", str(err))
            else:
                messages.success(request, f"Times are shown in {form.cleaned_data['time_zone']}.")
                return redirect("my-settings")
        return render(request, "access/my_settings.html", {"form": form}, status=400)
    return render(request, "access/my_settings.html", {"form": form})
