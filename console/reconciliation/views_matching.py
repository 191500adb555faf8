"""Cross-source matching in the browser: an entity's rules with their figures, the lists each
figure opens, the rule form (controllers) and "run the matching now" (operators, controllers).
Thin: the selectors read, the services decide who may and what happens."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.roles import FINANCE_READERS
from console.access.selectors import user_has_role
from console.audit.actors import Actor
from console.reconciliation.forms_matching import MatchingRuleForm, rule_initial
from console.reconciliation.models import MatchingRule
from console.reconciliation.selectors.matching import (
    Figure,
    entity_for,
    last_runs,
    match_rows,
    matches_of,
    rule_figures,
    rule_of,
    rules_of,
    unmatched_of,
)
from console.reconciliation.services.matching import REQUESTERS, EntityNotFound, matching_run_request
from console.reconciliation.services.matching_rules import (
    EDITORS,
    RuleError,
    RuleNotFound,
    matching_rule_change,
    matching_rule_create,
)
from console.sync.models import LegalEntity

PAGE_SIZE = 100


def _entity(request: HttpRequest, entity_code: str) -> LegalEntity:
    entity = entity_for(request.user, entity_code)
    if entity is None:
        raise Http404("no legal entity of that code among yours")
    return entity


def _rule(entity: LegalEntity, request: HttpRequest) -> MatchingRule:
    try:
        rule = rule_of(entity, int(request.GET.get("rule", "")))
    except ValueError:
        rule = None
    if rule is None:
        raise Http404("no matching rule of that number in this entity (?rule=<id>)")
    return rule


def _day(request: HttpRequest) -> date | None:
    text = request.GET.get("day", "")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404("day: a date as 2026-11-14") from None


def _actor(request: HttpRequest) -> Actor:
    return Actor.person(request.user, client_ip(request))


@require_safe
@role_required(*FINANCE_READERS)
def matching_page(request: HttpRequest, entity_code: str) -> HttpResponse:
    entity = _entity(request, entity_code)
    today = timezone.now().date()
    context = {
        "entity": entity,
        "rules": [rule_figures(rule, today) for rule in rules_of(entity)],
        "runs": last_runs(entity),
        "may_edit": user_has_role(request.user, *EDITORS),
        "may_run": user_has_role(request.user, *REQUESTERS),
    }
    return render(request, "reconciliation/matching.html", context)


@require_safe
@role_required(*FINANCE_READERS)
def matched_list(request: HttpRequest, entity_code: str) -> HttpResponse:
    entity = _entity(request, entity_code)
    rule, day = _rule(entity, request), _day(request)
    rows = matches_of(rule, day=day)
    total = Figure.of(rows.values_list("amount", "currency"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "entity": entity,
        "rule": rule,
        "day": day,
        "total": total,
        "page": page,
        "rows": match_rows(list(page.object_list)),
    }
    return render(request, "reconciliation/matching_matched.html", context)


@require_safe
@role_required(*FINANCE_READERS)
def unmatched_list(request: HttpRequest, entity_code: str) -> HttpResponse:
    entity = _entity(request, entity_code)
    rule, day = _rule(entity, request), _day(request)
    side = request.GET.get("side", "left")
    if side not in ("left", "right"):
        raise Http404("side: left or right")
    overdue_only = request.GET.get("overdue") == "1"
    items = unmatched_of(rule, side=side, today=timezone.now().date(), overdue_only=overdue_only, day=day)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "entity": entity,
        "rule": rule,
        "side": side,
        "day": day,
        "overdue_only": overdue_only,
        "total": Figure.of((u.side.amount, u.side.currency) for u in items),
        "page": page,
    }
    return render(request, "reconciliation/matching_unmatched.html", context)


def _form_page(
    request: HttpRequest, entity: LegalEntity, form: MatchingRuleForm, rule: MatchingRule | None, status: int
) -> HttpResponse:
    context = {"entity": entity, "form": form, "rule": rule}
    return render(request, "reconciliation/matching_rule.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*EDITORS)
def rule_new(request: HttpRequest, entity_code: str) -> HttpResponse:
    entity = _entity(request, entity_code)
    if request.method != "POST":
        return _form_page(request, entity, MatchingRuleForm(), None, 200)
    form = MatchingRuleForm(request.POST)
    if form.is_valid():
        try:
            rule = matching_rule_create(
                user=request.user,
                actor=_actor(request),
                entity_code=entity.code,
                values=form.values(),
                reason=form.cleaned_data["reason"],
            )
        except RuleError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, f"Matching rule {rule.name!r} added; the next run applies it.")
            return redirect(reverse("matching-page", args=[entity.code]))
    return _form_page(request, entity, form, None, 400)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*EDITORS)
def rule_edit(request: HttpRequest, entity_code: str, rule_id: int) -> HttpResponse:
    entity = _entity(request, entity_code)
    rule = rule_of(entity, rule_id)
    if rule is None:
        raise Http404("no matching rule of that number in this entity")
    if request.method != "POST":
        return _form_page(request, entity, MatchingRuleForm(initial=rule_initial(rule)), rule, 200)
    form = MatchingRuleForm(request.POST)
    if form.is_valid():
        try:
            _, changed = matching_rule_change(
                user=request.user,
                actor=_actor(request),
                entity_code=entity.code,
                rule_id=rule.pk,
                values=form.values(),
                reason=form.cleaned_data["reason"],
            )
        except RuleNotFound as err:
            raise Http404(str(err)) from None
        except RuleError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, "Matching rule changed." if changed else "Nothing changed.")
            return redirect(reverse("matching-page", args=[entity.code]))
    return _form_page(request, entity, form, rule, 400)


@require_POST
@role_required(*REQUESTERS)
def run_now(request: HttpRequest, entity_code: str) -> HttpResponse:
    try:
        run = matching_run_request(user=request.user, actor=_actor(request), entity_code=entity_code)
    except EntityNotFound as err:
        raise Http404(str(err)) from None
    messages.success(request, f"Matching run {run.pk} queued: its figures appear below when it is done.")
    return redirect(reverse("matching-page", args=[entity_code]))
