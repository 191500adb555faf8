"""What a resubmitted event would still wait for: said to the person who just resubmitted it."""

from __future__ import annotations

from console.casework.models import ExceptionCase
from console.mappings.models import MappingKind
from console.mappings.selectors import MappingTable, mapping_candidates
from console.sync.models import SyncEvent
from console.sync.services.resolution import mapping_gaps


def resubmit_gaps(case: ExceptionCase) -> list[str]:
    """The mappings the case's event, as it will post now, still has no mapping for, naming
    the lines that carry each code ("line 3 (Widget B) still has tax code VAT20 ...")."""
    event = SyncEvent.objects.select_related("entity").get(pk=case.the_event.pk)
    table = MappingTable(mapping_candidates(entity_ids=[event.entity_id], kinds=MappingKind.values))
    return mapping_gaps(event, table)
