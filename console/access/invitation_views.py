"""Accepting an invitation: the person chooses their password (Django's password-reset
confirmation, whose token works once), recorded by people.invitation_accept."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse_lazy

from console.access.login_audit import client_ip
from console.access.models import User
from console.access.people import invitation_accept, invitation_pending
from console.access.services import AccessError
from console.audit.actors import Actor


class InvitationAcceptView(PasswordResetConfirmView):
    template_name = "registration/invitation.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            # Used, expired, withdrawn or made up: the page says so, and answers as not found.
            response.status_code = 404
        return response

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        # Only an invitation not yet used: never a way to reset the password of someone who has one.
        return user if isinstance(user, User) and invitation_pending(user) else None

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        try:
            invitation_accept(
                user=form.user,
                password=form.cleaned_data["new_password1"],
                actor=Actor.person(form.user, client_ip(self.request)),
            )
        except AccessError as err:
            form.add_error(None, str(err))
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(str(self.success_url))
