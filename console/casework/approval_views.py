"""The controllers' approvals inbox: thin; the reading lives in approvals_inbox.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from console.access.decorators import role_required
from console.access.roles import Role
from console.casework.approvals_inbox import approvals_inbox


@require_safe
@role_required(Role.CONTROLLER)
def approvals_inbox_view(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/approvals.html", {"inbox": approvals_inbox(request.user)})
