"""Statement files in the browser: upload with a preview that stores nothing, confirm, the
file log and a statement's page with its release. Thin: the services decide."""

from __future__ import annotations

from collections.abc import Iterator
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
from console.sources import file_log
from console.sources.file_forms import HoldReleaseForm, StatementConfirmForm, StatementUploadForm
from console.sources.file_log import FILE_READERS, IMPORTERS
from console.sources.file_pages import file_wait, file_waited, file_waiting, hold_release_from_page
from console.sources.services.statement_import import (
    ImportRefused,
    statement_file_import,
    statement_file_preview,
)
from console.sources.services.statement_reading import format_sniffed, statement_pieces
from integrations.bank.statement import FileRefused, Piece

PAGE_SIZE = 100


def _pieces(fmt: str, content: bytes, data: dict[str, Any]) -> Iterator[Piece]:
    entity = data["entity"]
    return statement_pieces(fmt, content, profile=data["profile"], account=data["account"], currency=entity.currency)


@require_safe
@role_required(*FILE_READERS)
def file_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(file_log.files_visible(request.user), 50).get_page(request.GET.get("page"))
    may_import = user_has_role(request.user, *IMPORTERS)
    return render(request, "sources/files/index.html", {"page": page, "may_import": may_import})


@require_http_methods(["GET", "POST"])
@role_required(*IMPORTERS)
def file_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "sources/files/upload.html", {"form": StatementUploadForm(request.user)})
    form = StatementUploadForm(request.user, request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "sources/files/upload.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > settings.STATEMENT_FILE_MAX_BYTES:
        form.add_error(
            "file", f"the file is {upload.size:,} bytes, over the limit of {settings.STATEMENT_FILE_MAX_BYTES:,}"
        )
        return render(request, "sources/files/upload.html", {"form": form}, status=413)
    content = upload.read()
    fmt = form.cleaned_data["format"] or format_sniffed(content)
    source, entity = form.cleaned_data["source"], form.cleaned_data["entity"]
    try:
        if not fmt:
            raise FileRefused("", "the file does not say its format: choose one")
        pieces = _pieces(fmt, content, form.cleaned_data)
        figures = statement_file_preview(
            source=source, entity=entity, content=content, pieces=pieces, user=request.user
        )
    except (FileRefused, ImportRefused) as err:
        form.add_error("file", f"refused: {err}")
        return render(request, "sources/files/upload.html", {"form": form}, status=400)
    file_wait(content, figures.sha256)
    confirm = StatementConfirmForm(
        request.user,
        initial={
            "entity": entity.code,
            "source": source.code,
            "format": fmt,
            "sha256": figures.sha256,
            "name": upload.name,
            "profile": form.cleaned_data["profile"],
            "account": form.cleaned_data["account"],
        },
    )
    context = {
        "figures": figures,
        "confirm": confirm,
        "name": upload.name,
        "source": source,
        "entity": entity,
        "fmt": fmt,
        "profile": form.cleaned_data["profile"],
        "account": form.cleaned_data["account"],
    }
    return render(request, "sources/files/preview.html", context)


@require_POST
@role_required(*IMPORTERS)
def file_confirm(request: HttpRequest) -> HttpResponse:
    form = StatementConfirmForm(request.user, request.POST)
    if not form.is_valid() or not form.cleaned_data["format"]:
        return render(
            request, "sources/files/upload.html", {"form": StatementUploadForm(request.user), "stale": True}, status=400
        )
    data = form.cleaned_data
    content = file_waiting(data["sha256"])
    if content is None:
        context = {"form": StatementUploadForm(request.user), "stale": True}
        return render(request, "sources/files/upload.html", context, status=400)
    try:
        file = statement_file_import(
            source=data["source"],
            entity=data["entity"],
            name=data["name"],
            fmt=data["format"],
            profile=data["profile"],
            content=content,
            pieces=_pieces(data["format"], content, data),
            user=request.user,
            actor=Actor.person(request.user, client_ip(request)),
        )
    except (FileRefused, ImportRefused) as err:
        return render(
            request,
            "sources/files/upload.html",
            {"form": StatementUploadForm(request.user), "refused": str(err)},
            status=400,
        )
    file_waited(data["sha256"])
    messages.success(request, f"{file.name}: {file.new_count} new entries, {file.known_count} imported before.")
    return redirect("file-detail", file_id=file.pk)


@require_safe
@role_required(*FILE_READERS)
def file_detail(request: HttpRequest, file_id: int) -> HttpResponse:
    file = file_log.file_visible(request.user, file_id)
    if file is None:
        raise Http404("no statement file of that number in your legal entities")
    statements = [(s, file_log.may_release(request.user, s)) for s in file_log.file_statements(file)]
    context = {"file": file, "statements": statements, "release_form": HoldReleaseForm()}
    return render(request, "sources/files/detail.html", context)


@require_safe
@role_required(*FILE_READERS)
def statement_detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = file_log.statement_visible(request.user, statement_id)
    if statement is None:
        raise Http404("no statement of that number in your legal entities")
    page = Paginator(file_log.statement_lines(statement), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "statement": statement,
        "page": page,
        "may_release": file_log.may_release(request.user, statement),
        "release_form": HoldReleaseForm(),
    }
    return render(request, "sources/files/statement.html", context)


@require_POST
@role_required(*FILE_READERS)
def statement_release(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = file_log.statement_visible(request.user, statement_id)
    if statement is None:
        raise Http404("no statement of that number in your legal entities")
    hold_release_from_page(
        request,
        statement.hold,
        not_held="This statement is not held.",
        released="Released: its lines are queued to post.",
    )
    return redirect("statement-detail", statement_id=statement.pk)
