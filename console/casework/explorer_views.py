"""The event explorer pages: thin; reading lives in explorer.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from console.access.decorators import role_required
from console.casework.event_lists import EventListForm, WindowForm, attempts_failed, deliveries_repeated, events_listed
from console.casework.explorer import event_story, events_found
from console.casework.views import CASE_READERS

PAGE_SIZE = 50


@require_safe
@role_required(*CASE_READERS)
def event_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    found = list(events_found(request.user, query))
    return render(request, "casework/events.html", {"query": query, "found": found})


@require_safe
@role_required(*CASE_READERS)
def event_story_view(request: HttpRequest, event_id: int) -> HttpResponse:
    story = event_story(request.user, event_id)
    if story is None:
        raise Http404("no such event in your legal entities")
    return render(request, "casework/event.html", {"story": story, "event": story.event})


def _listed(
    request: HttpRequest,
    form: WindowForm,
    select: Callable[[Any, Any], QuerySet[Any]],
    template: str,
    noun: str,
    nouns: str,
) -> HttpResponse:
    """A list behind a dashboard figure: its total first (the figure), then a page of it; a
    filter that does not read is a 400 naming the field, with an empty list."""
    valid = form.is_valid()
    rows = select(request.user, form) if valid else None
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None else None
    context = {"form": form, "page": page, "noun": noun, "nouns": nouns}
    return render(request, template, context, status=200 if valid else 400)


@require_safe
@role_required(*CASE_READERS)
def event_list(request: HttpRequest) -> HttpResponse:
    return _listed(request, EventListForm(request.GET), events_listed, "casework/event_list.html", "event", "events")


@require_safe
@role_required(*CASE_READERS)
def attempt_list(request: HttpRequest) -> HttpResponse:
    nouns = ("failed attempt", "failed attempts")
    return _listed(request, WindowForm(request.GET), attempts_failed, "casework/attempt_list.html", *nouns)


@require_safe
@role_required(*CASE_READERS)
def repeat_list(request: HttpRequest) -> HttpResponse:
    nouns = ("repeated delivery", "repeated deliveries")
    return _listed(request, WindowForm(request.GET), deliveries_repeated, "casework/repeat_list.html", *nouns)
