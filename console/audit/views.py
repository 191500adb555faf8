"""The auditor's pages: thin; reading lives in selectors.py, exports in exports.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.roles import Role
from console.access.selectors import entity_codes_visible
from console.audit.actors import Actor
from console.audit.exports import ExportTooLarge, audit_export
from console.audit.forms import AuditFilterForm
from console.audit.selectors import (
    AuditFilter,
    audit_actions,
    audit_latest_verification,
    audit_page,
)

AUDIT_READERS = (Role.AUDITOR,)


def _form(request: HttpRequest) -> AuditFilterForm:
    return AuditFilterForm(request.GET or None, actions=audit_actions(), entities=entity_codes_visible(request.user))


def _filter(request: HttpRequest, form: AuditFilterForm) -> AuditFilter | None:
    zone = getattr(request.user, "time_zone", "UTC")
    if not request.GET:
        return AuditFilter(time_zone=zone)
    return form.to_filter(zone) if form.is_valid() else None


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
    }
    template = "audit/_rows.html" if request.htmx else "audit/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_safe
@role_required(*AUDIT_READERS)
def audit_object(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    f = AuditFilter(object_type=object_type, object_id=object_id, time_zone=getattr(request.user, "time_zone", "UTC"))
    rows, more = audit_page(request.user, f)
    return render(
        request, "audit/object.html", {"rows": rows, "more": more, "object_type": object_type, "object_id": object_id}
    )


@require_safe
@role_required(*AUDIT_READERS)
def audit_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    form = _form(request)
    f = _filter(request, form)
    if f is None:
        return HttpResponseBadRequest("; ".join(str(e) for errors in form.errors.values() for e in errors))
    try:
        body, content_type = audit_export(
            user=request.user, actor=Actor.person(request.user, client_ip(request)), f=f, fmt=fmt
        )
    except ExportTooLarge as err:
        return HttpResponseBadRequest(str(err))
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail.{fmt}"'
    return response
