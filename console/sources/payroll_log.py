"""Reading the payroll file log: payroll files and their runs, of the legal entities the user
sees. Every figure the pages show is a count of the list it links to."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from console.access.roles import Role
from console.access.selectors import restrict_to_entities, user_has_role
from console.sources.payroll_models import PayrollFile, PayrollRun
from console.sync.models import EventKind, PostingHold, SourceKind, SourceSystem
from console.sync.services.posting_holds import RELEASERS, hold_is_material


def payroll_files_visible(user: Any) -> QuerySet[PayrollFile]:
    rows = PayrollFile.objects.select_related("source", "entity").defer("content")
    return restrict_to_entities(rows, user).order_by("-uploaded_at", "-pk")


def payroll_file_visible(user: Any, file_id: int) -> PayrollFile | None:
    return payroll_files_visible(user).filter(pk=file_id).first()


def payroll_file_runs(file: PayrollFile) -> list[PayrollRun]:
    return list(
        file.runs.select_related("hold", "hold__entity", "event")
        .defer("event__payload", "event__override")
        .order_by("position")
    )


def payrun_visible(user: Any, run_id: int) -> PayrollRun | None:
    rows = PayrollRun.objects.select_related("file", "hold", "hold__entity", "source", "entity")
    return restrict_to_entities(rows, user).filter(pk=run_id).first()


def may_release(user: Any, hold: PostingHold | None) -> bool:
    if hold is None or hold.released_at is not None or not user_has_role(user, *RELEASERS):
        return False
    return not hold_is_material(hold) or user_has_role(user, Role.CONTROLLER)


def payroll_sources() -> QuerySet[SourceSystem]:
    """Sources a payroll file may come from: payroll systems with a flow of journal entries."""
    return (
        SourceSystem.objects.filter(is_active=True, kind=SourceKind.PAYROLL, flows__event_kind=EventKind.JOURNAL_ENTRY)
        .distinct()
        .order_by("code")
    )
