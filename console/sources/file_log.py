"""Reading the file log: statement files and their statements, of the legal entities the
user sees. Every figure the pages show is a count or sum of the list it links to."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from console.access.roles import Role
from console.access.selectors import restrict_to_entities, user_has_role
from console.sources.file_models import BankStatement, StatementFile
from console.sync.models import EventKind, SourceKind, SourceSystem, SyncEvent
from console.sync.services.posting_holds import RELEASERS, hold_is_material

FILE_READERS = (Role.OPERATOR, Role.CONTROLLER, Role.AUDITOR, Role.ADMIN)
IMPORTERS = (Role.OPERATOR, Role.ADMIN)


def files_visible(user: Any) -> QuerySet[StatementFile]:
    rows = StatementFile.objects.select_related("source", "entity").defer("content")
    return restrict_to_entities(rows, user).order_by("-uploaded_at", "-pk")


def file_visible(user: Any, file_id: int) -> StatementFile | None:
    return files_visible(user).filter(pk=file_id).first()


def file_statements(file: StatementFile) -> list[BankStatement]:
    return list(file.statements.select_related("hold", "hold__entity").order_by("position"))


def statement_visible(user: Any, statement_id: int) -> BankStatement | None:
    rows = BankStatement.objects.select_related("file", "hold", "hold__entity", "source", "entity")
    return restrict_to_entities(rows, user).filter(pk=statement_id).first()


def statement_lines(statement: BankStatement) -> QuerySet[SyncEvent]:
    """The events the statement created (its `new` figure counts them)."""
    return (
        SyncEvent.objects.filter(source_id=statement.source_id, correlation_id=statement.correlation_id)
        .defer("payload", "override")
        .order_by("pk")
    )


def may_release(user: Any, statement: BankStatement) -> bool:
    hold = statement.hold
    if hold is None or hold.released_at is not None or not user_has_role(user, *RELEASERS):
        return False
    return not hold_is_material(hold) or user_has_role(user, Role.CONTROLLER)


def bank_sources() -> QuerySet[SourceSystem]:
    """Sources a statement file may come from: banks with a flow of statement lines."""
    return (
        SourceSystem.objects.filter(
            is_active=True, kind=SourceKind.BANK, flows__event_kind=EventKind.BANK_STATEMENT_LINE
        )
        .distinct()
        .order_by("code")
    )
