"""The case list's export: thin; the reading, writing and audit row live in exports.py."""

from __future__ import annotations

from typing import cast

from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.roles import FINANCE_READERS
from console.audit.actors import Actor
from console.casework.exports import cases_export
from console.casework.filters import CaseFilter
from console.casework.selectors import cases_visible


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    filterset = CaseFilter(request.GET, queryset=cases_visible(request.user), request=request)
    if not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        text = f"The filter does not read, nothing exported: {problems}\n"
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    query = {name: request.GET.get(name, "") for name in filterset.form.fields}
    export = cases_export(
        user=request.user,
        actor=Actor.person(request.user, client_ip(request)),
        cases=filterset.qs,
        query=query,
        fmt=fmt,
    )
    response = FileResponse(export.file, as_attachment=True, filename=export.filename, content_type=export.content_type)
    # A streaming response (the file is sent in blocks); role_required's typing knows HttpResponse only.
    return cast(HttpResponse, response)


@require_GET  # not HEAD: an export is audited, and a HEAD would write a row for nothing sent
@role_required(*FINANCE_READERS)
def case_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@require_GET  # not HEAD: an export is audited, and a HEAD would write a row for nothing sent
@role_required(*FINANCE_READERS)
def case_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")
