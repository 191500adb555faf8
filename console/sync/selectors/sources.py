"""Which legal entities a source system may feed, and so who sees and changes it: the same rule
as its flows' (selectors/flows.py). A webhook source is bound to one entity; any other source
feeds the entities its active service accounts may ingest for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.access.models import ServiceAccount
from console.access.selectors import entity_ids_visible
from console.sync.models import LegalEntity, SourceSystem


def _reach(sources: list[SourceSystem]) -> dict[int, frozenset[int]]:
    unbound = [source.pk for source in sources if source.entity_id is None]
    fed: dict[int, set[int]] = {pk: set() for pk in unbound}
    rows = (
        SourceSystem.objects.filter(pk__in=unbound, service_accounts__is_active=True)
        .values_list("pk", "service_accounts__entities")
        .distinct()
    )
    for source_id, entity_id in rows:
        if entity_id is not None:
            fed[source_id].add(entity_id)
    return {source.pk: frozenset({source.entity_id} if source.entity_id else fed[source.pk]) for source in sources}


@dataclass(frozen=True)
class SourceAccess:
    source: SourceSystem
    entity_ids: frozenset[int]
    held: frozenset[int]
    entity_codes: tuple[str, ...]  # of the entities it feeds that the person holds

    @property
    def visible(self) -> bool:
        # A source feeding nobody yet holds nothing of anyone's: shown, so it can be set up.
        return not self.entity_ids or bool(self.entity_ids & self.held)

    @property
    def changeable(self) -> bool:
        return self.entity_ids <= self.held


def sources_access(user: Any, code: str | None = None) -> list[SourceAccess]:
    """The source systems the person may see (all, or the one of that code), by code."""
    rows = SourceSystem.objects.select_related("entity").order_by("code")
    sources = list(rows if code is None else rows.filter(code=code))
    reach = _reach(sources)
    held = frozenset(entity_ids_visible(user))
    codes = dict(LegalEntity.objects.filter(pk__in=set().union(*reach.values())).values_list("pk", "code"))
    found = [
        SourceAccess(
            source=source,
            entity_ids=reach[source.pk],
            held=held,
            entity_codes=tuple(sorted(codes[pk] for pk in reach[source.pk] & held)),
        )
        for source in sources
    ]
    return [access for access in found if access.visible]


def source_access(user: Any, code: str) -> SourceAccess | None:
    """None for a source that does not exist and for one the person may not see alike."""
    found = sources_access(user, code)
    return found[0] if found else None


@dataclass(frozen=True)
class AccountRow:
    account: ServiceAccount
    source_codes: tuple[str, ...]
    entity_codes: tuple[str, ...]  # of the entities it may feed that the person holds
    changeable: bool

    @property
    def has_token(self) -> bool:
        return bool(self.account.token_prefix)


def source_accounts(user: Any, source: SourceSystem) -> list[AccountRow]:
    """The source's service accounts that feed one of the person's entities (or none yet), each
    with what its token may do: its sources and its entities."""
    held = set(entity_ids_visible(user))
    accounts = list(
        ServiceAccount.objects.filter(sources=source).prefetch_related("sources", "entities").order_by("name")
    )
    rows = []
    for account in accounts:
        entities = {entity.pk: entity.code for entity in account.entities.all()}
        if entities and not set(entities) & held:
            continue
        rows.append(
            AccountRow(
                account=account,
                source_codes=tuple(sorted(s.code for s in account.sources.all())),  # no entity's secret
                entity_codes=tuple(sorted(code for pk, code in entities.items() if pk in held)),
                changeable=set(entities) <= held,
            )
        )
    return rows
