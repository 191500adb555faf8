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

__all__ = [
    "DateField",
    "Match",
    "MatchBy",
    "MatchMethod",
    "MatchingRule",
    "MatchingRun",
    "ReferenceCompare",
    "RuleKind",
    "RunState",
    "Sign",
]
