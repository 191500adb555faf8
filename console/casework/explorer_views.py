"""The event explorer pages: thin; reading lives in explorer.py."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from console.access.decorators import role_required
from console.casework.explorer import event_story, events_found
from console.casework.views import CASE_READERS


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
