from console.reconciliation.models.matching import (
    DateField,
    Match,
    MatchBy,
    MatchingRule,
    MatchingRun,
    MatchMethod,
    ReferenceCompare,
    RuleKind,
    RunState,
    Sign,
)
from console.reconciliation.models.runs import ControlTotal, Difference, ReconciliationRun, RunStatus, TotalOrigin

__all__ = [
    "ControlTotal",
    "DateField",
    "Difference",
    "Match",
    "MatchBy",
    "MatchMethod",
    "MatchingRule",
    "MatchingRun",
    "ReconciliationRun",
    "ReferenceCompare",
    "RuleKind",
    "RunState",
    "RunStatus",
    "Sign",
    "TotalOrigin",
]
