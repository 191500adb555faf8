from console.sync.models.config_changes import ConnectionChange, PendingState, ThresholdChange
from console.sync.models.entities import ConnectionProtocol, LegalEntity, OdooConnection
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
    "ConnectionChange",
    "ConnectionProtocol",
    "DuplicateAttempt",
    "EventKind",
    "EventState",
    "Flow",
    "FlowMode",
    "IngestRejection",
    "LegalEntity",
    "OdooConnection",
    "PendingState",
    "PostingAttempt",
    "PostingHold",
    "PostingOutcome",
    "SourceKind",
    "SourceSystem",
    "SyncEvent",
    "ThresholdChange",
    "UnmatchedReceipts",
]
