"""Edit-and-resubmit (`/cases/<id>/resubmit/`): the form of the event's own fields, and its
submission to case_resubmit, which checks the role and the entity, asks a controller when the
change is material, keeps the diff and the reason and queues the event again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.audit.actors import Actor
from console.casework.models import CaseState, ExceptionCase
from console.casework.resubmit_fields import head_fields, line_fields
from console.casework.resubmit_forms import LINES_PREFIX, ResubmitForm
from console.casework.resubmit_reads import resubmit_gaps
from console.casework.selectors import allowed_actions, case_get
from console.casework.services.actions import ACTION_ROLES, CaseNotFound, case_resubmit
from console.casework.services.states import CaseError

# The no-script way to add a line: this button posts the form back with one blank line more.
ADD_LINE = "add_line"


def _render(
    request: HttpRequest,
    case: ExceptionCase,
    form: ResubmitForm | None,
    *,
    error: str = "",
    status: int = 200,
    show_errors: bool = True,
) -> HttpResponse:
    context: dict[str, Any] = {
        "case": case,
        "form": form,
        "error": error,
        "show_errors": show_errors,
        "offered": form is not None,
        # A case about no event (a reconciliation difference) has nothing to edit.
        "has_head": case.event is not None and bool(head_fields(case.event.kind)),
        "has_lines": case.event is not None and bool(line_fields(case.event.kind)),
    }
    return render(request, "casework/resubmit.html", context, status=status)


def _with_a_line_more(data: Any) -> Any:
    more = data.copy()
    total = f"{LINES_PREFIX}-TOTAL_FORMS"
    try:
        more[total] = str(int(data.get(total, "0")) + 1)
    except ValueError:
        pass  # a management form that does not read: the formset says so
    return more


@require_http_methods(["GET", "POST"])
@role_required(*ACTION_ROLES["resubmit"])
def case_resubmit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get(request.user, case_id)
    if case is None:
        raise Http404("no such case in your legal entities")
    if "resubmit" not in allowed_actions(request.user, case):
        # Closed, waiting for a controller, or its event no longer failed or blocked.
        return _render(request, case, None, status=200 if request.method == "GET" else 400)
    event = case.the_event  # resubmit is offered on a case about an event only
    if request.method == "GET":
        return _render(request, case, ResubmitForm(event))
    if ADD_LINE in request.POST and line_fields(event.kind):
        more = ResubmitForm(event, _with_a_line_more(request.POST), extra_lines=0)
        return _render(request, case, more, show_errors=False)
    form = ResubmitForm(event, request.POST)
    if not form.is_valid():
        return _render(request, case, form, status=400)
    actor = Actor.person(request.user, client_ip(request))
    try:
        done = case_resubmit(user=request.user, actor=actor, case_id=case_id, changes=form.changes, reason=form.reason)
    except CaseNotFound as err:
        raise Http404(str(err)) from err
    except CaseError as err:
        return _render(request, case, form, error=str(err), status=400)
    if done.state == CaseState.WAITING_APPROVAL:
        messages.success(request, f"Case {case_id} waits for a controller's approval: the decision is material.")
    else:
        messages.success(request, f"Case {case_id}: resubmitted with the override.")
        for gap in resubmit_gaps(done):
            messages.warning(request, gap)
    return redirect("case-detail", case_id=case_id)
