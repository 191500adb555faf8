"""Payroll files in the browser: upload with a preview that stores nothing, confirm, the
payroll file log, and a held run's release. Thin: the services decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.selectors import user_has_role
from console.audit.actors import Actor
from console.sources import payroll_log
from console.sources.file_forms import HoldReleaseForm
from console.sources.file_log import FILE_READERS, IMPORTERS
from console.sources.file_pages import file_wait, file_waited, file_waiting, hold_release_from_page
from console.sources.payroll_forms import PayrollConfirmForm, PayrollUploadForm
from console.sources.services.payroll_import import payroll_file_import, payroll_file_preview
from console.sources.services.payroll_reading import payroll_format_sniffed, payroll_runs
from console.sources.services.statement_import import ImportRefused
from console.sync.models import LegalEntity
from integrations.payroll.errors import FileRefused
from integrations.payroll.run import PayRun

UPLOAD = "sources/payroll/upload.html"


def _runs(data: dict[str, Any], content: bytes) -> list[PayRun]:
    entity: LegalEntity = data["entity"]
    pay_date: date | None = data["pay_date"]
    return payroll_runs(
        data["format"],
        content,
        currency=entity.currency,
        profile=data["profile"],
        run_id=data["run_id"],
        pay_date=pay_date,
    )


@require_safe
@role_required(*FILE_READERS)
def payroll_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(payroll_log.payroll_files_visible(request.user), 50).get_page(request.GET.get("page"))
    may_import = user_has_role(request.user, *IMPORTERS)
    return render(request, "sources/payroll/index.html", {"page": page, "may_import": may_import})


@require_http_methods(["GET", "POST"])
@role_required(*IMPORTERS)
def payroll_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, UPLOAD, {"form": PayrollUploadForm(request.user)})
    form = PayrollUploadForm(request.user, request.POST, request.FILES)
    if not form.is_valid():
        return render(request, UPLOAD, {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > settings.STATEMENT_FILE_MAX_BYTES:
        form.add_error(
            "file", f"the file is {upload.size:,} bytes, over the limit of {settings.STATEMENT_FILE_MAX_BYTES:,}"
        )
        return render(request, UPLOAD, {"form": form}, status=413)
    content = upload.read()
    data = {**form.cleaned_data, "format": form.cleaned_data["format"] or payroll_format_sniffed(content)}
    source, entity = data["source"], data["entity"]
    try:
        figures = payroll_file_preview(
            source=source, entity=entity, content=content, runs=_runs(data, content), user=request.user
        )
    except (FileRefused, ImportRefused) as err:
        form.add_error("file", f"refused: {err}")
        return render(request, UPLOAD, {"form": form}, status=400)
    file_wait(content, figures.sha256)
    confirm = PayrollConfirmForm(
        request.user,
        initial={
            "entity": entity.code,
            "source": source.code,
            "format": data["format"],
            "profile": data["profile"],
            "run_id": data["run_id"],
            "pay_date": data["pay_date"],
            "sha256": figures.sha256,
            "name": upload.name,
        },
    )
    context = {"figures": figures, "confirm": confirm, "name": upload.name, "source": source, "entity": entity}
    return render(request, "sources/payroll/preview.html", {**context, "fmt": data["format"]})


@require_POST
@role_required(*IMPORTERS)
def payroll_confirm(request: HttpRequest) -> HttpResponse:
    form = PayrollConfirmForm(request.user, request.POST)
    stale = {"form": PayrollUploadForm(request.user), "stale": True}
    if not form.is_valid() or not form.cleaned_data["format"]:
        return render(request, UPLOAD, stale, status=400)
    data = form.cleaned_data
    content = file_waiting(data["sha256"])
    if content is None:
        return render(request, UPLOAD, stale, status=400)
    try:
        file = payroll_file_import(
            source=data["source"],
            entity=data["entity"],
            name=data["name"],
            fmt=data["format"],
            profile=data["profile"] if data["format"] == "gl_csv" else "",
            content=content,
            runs=_runs(data, content),
            user=request.user,
            actor=Actor.person(request.user, client_ip(request)),
        )
    except (FileRefused, ImportRefused) as err:
        return render(request, UPLOAD, {"form": PayrollUploadForm(request.user), "refused": str(err)}, status=400)
    file_waited(data["sha256"])
    messages.success(
        request,
        f"{file.name}: {file.new_count} new runs ({file.held_count} held), {file.known_count} imported before, "
        f"{file.unusable_count} that cannot post.",
    )
    return redirect("payroll-detail", payroll_file_id=file.pk)


@require_safe
@role_required(*FILE_READERS)
def payroll_detail(request: HttpRequest, payroll_file_id: int) -> HttpResponse:
    file = payroll_log.payroll_file_visible(request.user, payroll_file_id)
    if file is None:
        raise Http404("no payroll file of that number in your legal entities")
    runs = [(run, payroll_log.may_release(request.user, run.hold)) for run in payroll_log.payroll_file_runs(file)]
    context = {"file": file, "runs": runs, "release_form": HoldReleaseForm()}
    return render(request, "sources/payroll/detail.html", context)


@require_POST
@role_required(*FILE_READERS)
def payrun_release(request: HttpRequest, payrun_id: int) -> HttpResponse:
    run = payroll_log.payrun_visible(request.user, payrun_id)
    if run is None:
        raise Http404("no pay run of that number in your legal entities")
    hold_release_from_page(
        request,
        run.hold,
        not_held="This run is not held.",
        released=f"Released: pay run {run.run_id} is queued to post.",
    )
    return redirect("payroll-detail", payroll_file_id=run.file_id)
