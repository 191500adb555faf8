"""The event explorer pages: thin; reading lives in explorer.py."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe

from console.access.decorators import role_required
from console.casework.explorer import event_story, events_booked_later, events_found
from console.casework.views import CASE_READERS
from console.sync.models import Flow

PER_PAGE = 50


class BookedLaterForm(forms.Form):
    """The dashboard's link: a flow and the window its number counted."""

    flow = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    posted_after = forms.DateTimeField()
    posted_before = forms.DateTimeField()


@require_safe
@role_required(*CASE_READERS)
def event_search(request: HttpRequest) -> HttpResponse:
    if request.GET.get("booked_later"):
        return _booked_later(request)
    query = request.GET.get("q", "")[:200]
    found = list(events_found(request.user, query))
    return render(request, "casework/events.html", {"query": query, "found": found})


def _booked_later(request: HttpRequest) -> HttpResponse:
    form = BookedLaterForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(f"Bad filter: {problems}", content_type="text/plain; charset=utf-8")
    window = form.cleaned_data
    rows = events_booked_later(
        request.user, flow_id=window["flow"], posted_after=window["posted_after"], posted_before=window["posted_before"]
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    flow = Flow.objects.filter(pk=window["flow"]).first()
    return render(
        request,
        "casework/events_booked_later.html",
        {"page": page, "flow": flow, "window": window, "query_string": _without_page(request)},
    )


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
@role_required(*CASE_READERS)
def event_story_view(request: HttpRequest, event_id: int) -> HttpResponse:
    story = event_story(request.user, event_id)
    if story is None:
        raise Http404("no such event in your legal entities")
    return render(request, "casework/event.html", {"story": story, "event": story.event})
