"""Saved views of the case list: thin; the rules live in services/saved_views.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from console.access.decorators import role_required
from console.access.roles import FINANCE_READERS
from console.casework.models import SavedView
from console.casework.saved_view_reads import saved_views_of
from console.casework.services.saved_views import (
    MAX_NAME,
    SavedViewError,
    SavedViewNotFound,
    saved_view_create,
    saved_view_delete,
    saved_view_rename,
    saved_view_set_default,
)


class SaveForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME)
    query = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)
    default = forms.BooleanField(required=False, label="Open the list with it")


class RenameForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME)


class DefaultForm(forms.Form):
    default = forms.BooleanField(required=False)


def _errors(form: forms.Form) -> str:
    return "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items())


def view_url(view: SavedView) -> str:
    return f"{reverse('case-list')}?view={view.pk}"


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    context = {"views": saved_views_of(request.user), "error": error}
    return render(request, "casework/saved_views.html", context, status=status)


@require_safe
@role_required(*FINANCE_READERS)
def saved_view_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@role_required(*FINANCE_READERS)
def saved_view_save(request: HttpRequest) -> HttpResponse:
    form = SaveForm(request.POST)
    if not form.is_valid():
        return _page(request, error=_errors(form), status=400)
    try:
        view = saved_view_create(user=request.user, **form.cleaned_data)
    except SavedViewError as err:
        return _page(request, error=str(err), status=400)
    messages.success(request, f"Saved the view {view.name!r}: its link opens this filter for anyone you send it to.")
    return redirect(view_url(view))


def _change(
    request: HttpRequest, view_id: int, form_class: type[forms.Form], service: Callable[..., Any], done: str
) -> HttpResponse:
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(request, error=_errors(form), status=400)
    try:
        service(user=request.user, view_id=view_id, **form.cleaned_data)
    except SavedViewNotFound as err:
        raise Http404(str(err)) from err
    except SavedViewError as err:
        return _page(request, error=str(err), status=400)
    messages.success(request, done)
    return redirect("saved-view-list")


@require_POST
@role_required(*FINANCE_READERS)
def saved_view_rename_view(request: HttpRequest, view_id: int) -> HttpResponse:
    return _change(request, view_id, RenameForm, saved_view_rename, "View renamed.")


@require_POST
@role_required(*FINANCE_READERS)
def saved_view_delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    return _change(request, view_id, forms.Form, saved_view_delete, "View deleted.")


@require_POST
@role_required(*FINANCE_READERS)
def saved_view_default_view(request: HttpRequest, view_id: int) -> HttpResponse:
    return _change(request, view_id, DefaultForm, saved_view_set_default, "Default view changed.")
