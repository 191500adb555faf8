"""Source systems in the browser (/config/sources/): integration admins change them and their
service accounts; auditors read. A new or rotated token is in the answer to that POST only: it
is not redirected to, kept in the session or stored anywhere but as a digest. Thin: the
services decide who may and what happens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.roles import Role
from console.access.selectors import entity_codes_visible, user_has_role
from console.access.service_account_tokens import (
    AccountNotFound,
    service_account_revoke,
    service_account_rotate,
    source_token_create,
)
from console.access.services import AccessError, IssuedToken
from console.audit.actors import Actor
from console.sync.errors import SyncError
from console.sync.selectors.sources import AccountRow, SourceAccess, source_access, source_accounts, sources_access
from console.sync.services.source_settings import SourceNotFound, source_settings_change
from console.sync.source_forms import AccountCreateForm, AccountRevokeForm, AccountRotateForm, SourceSettingsForm

READERS = (Role.ADMIN, Role.AUDITOR)


def _visible(request: HttpRequest, code: str) -> SourceAccess:
    found = source_access(request.user, code)
    if found is None:
        raise Http404("no source system of that code among your legal entities' sources")
    return found


def _account(request: HttpRequest, found: SourceAccess, account_id: int) -> AccountRow:
    row = next((r for r in source_accounts(request.user, found.source) if r.account.pk == account_id), None)
    if row is None:
        raise Http404("no service account of that number for this source")
    return row


def _actor(request: HttpRequest) -> Actor:
    return Actor.person(request.user, client_ip(request))


def _page(
    request: HttpRequest,
    found: SourceAccess,
    status: int = 200,
    issued: tuple[str, IssuedToken] | None = None,
    **forms: Any,
) -> HttpResponse:
    admin = user_has_role(request.user, Role.ADMIN)
    failed_of = forms.get("account_id")
    accounts = []
    for row in source_accounts(request.user, found.source):
        mine = row.account.pk == failed_of
        rotate: AccountRotateForm = forms["rotate"] if mine and "rotate" in forms else AccountRotateForm()
        revoke: AccountRevokeForm = forms["revoke"] if mine and "revoke" in forms else AccountRevokeForm()
        # Each row's forms their own element ids: several rows, and the forms below, have a reason.
        rotate.auto_id, revoke.auto_id = f"rotate{row.account.pk}_%s", f"revoke{row.account.pk}_%s"
        accounts.append((row, rotate, revoke))
    context = {
        "source": found.source,
        "access": found,
        "accounts": accounts,
        "may_change": admin and found.changeable,
        "issued": issued,
        "settings_form": forms.get("settings")
        or SourceSettingsForm(initial=SourceSettingsForm.initial_of(found.source)),
        "create_form": forms.get("create") or AccountCreateForm(grantable=entity_codes_visible(request.user)),
        "failed": [form for key, form in forms.items() if key in ("rotate", "revoke")],
        "form_error_of": failed_of,
    }
    return render(request, "config/source.html", context, status=status)


@require_safe
@role_required(*READERS)
def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "config/sources.html", {"rows": sources_access(request.user)})


@require_safe
@role_required(*READERS)
def source_detail(request: HttpRequest, source_code: str) -> HttpResponse:
    return _page(request, _visible(request, source_code))


@require_POST
@role_required(Role.ADMIN)
def source_settings(request: HttpRequest, source_code: str) -> HttpResponse:
    found = _visible(request, source_code)
    form = SourceSettingsForm(request.POST)
    if form.is_valid():
        try:
            _, changed = source_settings_change(
                code=found.source.code,
                user=request.user,
                actor=_actor(request),
                settings=form.settings(),
                reason=form.cleaned_data["reason"],
            )
        except SourceNotFound as err:
            raise Http404(str(err)) from err
        except SyncError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, "Settings changed." if changed else "Nothing changed.")
            return redirect("source-detail", source_code=found.source.code)
    return _page(request, found, status=400, settings=form)


@never_cache
@require_POST
@role_required(Role.ADMIN)
def account_create(request: HttpRequest, source_code: str) -> HttpResponse:
    found = _visible(request, source_code)
    form = AccountCreateForm(request.POST, grantable=entity_codes_visible(request.user))
    if form.is_valid():
        try:
            account, issued = source_token_create(
                source_code=found.source.code,
                name=form.cleaned_data["name"],
                entity_codes=form.cleaned_data["entities"],
                user=request.user,
                actor=_actor(request),
                reason=form.cleaned_data["reason"],
            )
        except AccessError as err:
            form.add_error(None, str(err))
        else:
            return _page(request, _visible(request, source_code), issued=(account.name, issued))
    return _page(request, found, status=400, create=form)


@never_cache
@require_POST
@role_required(Role.ADMIN)
def account_rotate(request: HttpRequest, source_code: str, account_id: int) -> HttpResponse:
    found = _visible(request, source_code)
    row = _account(request, found, account_id)
    form = AccountRotateForm(request.POST)
    if form.is_valid():
        try:
            account, issued = service_account_rotate(
                account_id=row.account.pk,
                grace=form.grace_period(),
                user=request.user,
                actor=_actor(request),
                reason=form.cleaned_data["reason"],
            )
        except AccountNotFound as err:
            raise Http404(str(err)) from err
        except AccessError as err:
            form.add_error(None, str(err))
        else:
            return _page(request, found, issued=(account.name, issued))
    return _page(request, found, status=400, rotate=form, account_id=row.account.pk)


@require_POST
@role_required(Role.ADMIN)
def account_revoke(request: HttpRequest, source_code: str, account_id: int) -> HttpResponse:
    found = _visible(request, source_code)
    row = _account(request, found, account_id)
    form = AccountRevokeForm(request.POST)
    if form.is_valid():
        try:
            account = service_account_revoke(
                account_id=row.account.pk, user=request.user, actor=_actor(request), reason=form.cleaned_data["reason"]
            )
        except AccountNotFound as err:
            raise Http404(str(err)) from err
        except AccessError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, f"{account.name} revoked: its token is refused from now on.")
            return redirect("source-detail", source_code=found.source.code)
    return _page(request, found, status=400, revoke=form, account_id=row.account.pk)
