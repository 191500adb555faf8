"""The auditor's pages: thin; reading lives in selectors.py, exports in exports.py.

A filter that does not validate answers 400 with the form's errors on the page: whatever a
visitor puts in the query string, nothing reaches the database unchecked."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.roles import Role
from console.access.selectors import entity_codes_visible
from console.audit.actors import Actor
from console.audit.exports import EXPORT_FORMATS, ExportTooLarge, audit_export
from console.audit.forms import AuditFilterForm, ObjectHistoryForm
from console.audit.selectors import (
    AuditFilter,
    audit_actions,
    audit_latest_verification,
    audit_object_types,
    audit_page,
    audit_verification_last_failure,
    audit_verify_running,
)
from console.audit.verify_now import VerifyTooSoon, audit_verify_now

AUDIT_READERS = (Role.AUDITOR,)


def _zone(request: HttpRequest) -> str:
    return getattr(request.user, "time_zone", "UTC")


def _form(request: HttpRequest) -> AuditFilterForm:
    return AuditFilterForm(
        request.GET or None,
        actions=audit_actions(),
        entities=entity_codes_visible(request.user),
        object_types=audit_object_types(),
    )


def _filter(request: HttpRequest, form: AuditFilterForm) -> AuditFilter | None:
    if not request.GET:
        return AuditFilter(time_zone=_zone(request))
    return form.to_filter(_zone(request)) if form.is_valid() else None


@require_safe
@role_required(*AUDIT_READERS)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    f = _filter(request, form)
    rows, more = audit_page(request.user, f) if f is not None else ([], None)
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "rows": rows,
        "more": more,
        "query": query.urlencode(),
        "verification": audit_latest_verification(),
        "last_failure": audit_verification_last_failure(),
        "verify_running": audit_verify_running(),
    }
    template = "audit/_rows.html" if request.htmx else "audit/list.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=400 if f is None else 200)


@require_safe
@role_required(*AUDIT_READERS)
def audit_object(request: HttpRequest) -> HttpResponse:
    """One object's history; without a query string, the form that asks which object."""
    form = ObjectHistoryForm(request.GET or None, object_types=audit_object_types())
    valid = form.is_valid()
    rows, more = audit_page(request.user, form.to_filter(_zone(request))) if valid else ([], None)
    if valid and not rows and "before" not in request.GET:
        # An object of an entity not granted (or one that never was) looks the same: not found.
        raise Http404("no history of this object in your legal entities")
    query = request.GET.copy()
    query.pop("before", None)
    context = {"form": form, "rows": rows, "more": more, "query": query.urlencode(), "found": valid}
    template = "audit/_rows.html" if request.htmx and valid else "audit/object.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=400 if form.is_bound and not valid else 200)


@require_safe
@role_required(*AUDIT_READERS)
def audit_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404(f"no export as {fmt!r}: csv or json")
    form = _form(request)
    f = _filter(request, form)
    if f is None:
        return HttpResponseBadRequest("; ".join(str(e) for errors in form.errors.values() for e in errors))
    try:
        export = audit_export(user=request.user, actor=Actor.person(request.user, client_ip(request)), f=f, fmt=fmt)
    except ExportTooLarge as err:
        return HttpResponseBadRequest(str(err))
    response = HttpResponse(export.body, content_type=f"{export.content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@require_POST
@role_required(*AUDIT_READERS)
def audit_verify_view(request: HttpRequest) -> HttpResponse:
    """Verify the chain now; the answer is a message on the trail's page."""
    try:
        audit_verify_now(user=request.user, actor=Actor.person(request.user, client_ip(request)))
    except VerifyTooSoon as err:
        messages.error(request, str(err))
    else:
        messages.success(
            request, "The chain check has started: its result appears above in a few seconds (reload the page)."
        )
    return redirect("audit-list")
