"""django-auditlog records save() and delete() of single objects only. This test
fails when code changes an audited model with queryset.update(), bulk_create(),
bulk_update() or queryset.delete() outside a path approved below, where the
change is recorded another way (an AuditEvent) or touches an unaudited field."""

from __future__ import annotations

import ast
from pathlib import Path

from console.audit.field_history import AUDITED_MODELS

ROOT = Path(__file__).resolve().parents[4]
BULK = {"update", "bulk_update", "bulk_create", "delete"}
AUDITED = {label.split(".")[1] for label in AUDITED_MODELS}
APPROVED = {
    # Closing a mapping version's period; mapping.version_added records before/after.
    ("console/mappings/services/versions.py", "mapping_version_add", "Mapping"),
    # last_used_at is excluded from field history: a usage timestamp, not configuration.
    ("console/access/authentication.py", "authenticate", "PersonalToken"),
    ("console/access/authentication.py", "authenticate", "ServiceAccount"),
    # Revoking a deactivated person's tokens; user.deactivated records how many ended.
    ("console/access/people.py", "person_deactivate", "PersonalToken"),
    ("console/sync/services/ingest.py", "events_ingest", "ServiceAccount"),
}


def _base_model(node: ast.expr) -> str | None:
    """`Model.objects.filter(...).update(...)` -> "Model"."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr == "objects" and isinstance(node.value, ast.Name):
                return node.value.id
            node = node.value
        else:
            return None


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted([*root.joinpath("console").rglob("*.py"), *root.joinpath("integrations").rglob("*.py")]):
        rel = path.relative_to(root).as_posix()
        if "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in BULK:
                    model = _base_model(node.func.value)
                    if model in AUDITED and (rel, func.name, model) not in APPROVED:
                        found.append(f"{rel}:{node.lineno} {func.name}: {model}.objects….{node.func.attr}()")
    return sorted(set(found))


def test_no_bulk_change_of_audited_models_outside_approved_paths() -> None:
    assert violations() == []


def test_the_guard_sees_a_violation(tmp_path: Path) -> None:
    fake = tmp_path / "console" / "x.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f():\n    Flow.objects.filter(pk=1).update(is_active=False)\n")
    (tmp_path / "integrations").mkdir()
    assert violations(tmp_path) == ["console/x.py:2 f: Flow.objects….update()"]
