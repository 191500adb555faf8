from console.mappings.models.changes import (
    ChangeActivity,
    ChangeOrigin,
    ChangeRequest,
    ChangeState,
    RowChange,
    RowOp,
)
from console.mappings.models.reference import OdooReference, ReferenceRefresh
from console.mappings.models.versions import KIND_MODELS, Mapping, MappingKind

__all__ = [
    "KIND_MODELS",
    "ChangeActivity",
    "ChangeOrigin",
    "ChangeRequest",
    "ChangeState",
    "Mapping",
    "MappingKind",
    "OdooReference",
    "ReferenceRefresh",
    "RowChange",
    "RowOp",
]
