from console.sync.models.entities import LegalEntity, OdooConnection
from console.sync.models.events import (
    DuplicateAttempt,
    EventKind,
    EventState,
    IngestRejection,
    PostingAttempt,
    PostingOutcome,
    SyncEvent,
)
from console.sync.models.holds import PostingHold
from console.sync.models.sources import (
    WEBHOOK_KINDS,
    BusinessProcess,
    ClosedPeriod,
    Flow,
    FlowMode,
    SourceKind,
    SourceSystem,
    UnmatchedReceipts,
)

__all__ = [
    "WEBHOOK_KINDS",
    "BusinessProcess",
    "ClosedPeriod",
    "DuplicateAttempt",
    "EventKind",
    "EventState",
    "Flow",
    "FlowMode",
    "IngestRejection",
    "LegalEntity",
    "OdooConnection",
    "PostingAttempt",
    "PostingHold",
    "PostingOutcome",
    "SourceKind",
    "SourceSystem",
    "SyncEvent",
    "UnmatchedReceipts",
]
