"""Field-level history of configuration models through django-auditlog.

auditlog sees save() and delete() of single objects only, not queryset.update()
or bulk operations; tests/unit/console/audit/test_field_history_guard.py fails
when code calls those on a model listed here outside an approved path.
"""

from __future__ import annotations

from django.apps import apps

# (app_label.Model, fields never recorded: secrets and usage timestamps)
AUDITED_MODELS: dict[str, list[str]] = {
    "sync.LegalEntity": [],
    "sync.OdooConnection": [],
    "sync.SourceSystem": [],
    "sync.Flow": [],
    "mappings.Mapping": [],
    "access.User": ["password", "last_login"],
    "access.ServiceAccount": ["token_digest", "previous_token_digest", "last_used_at"],
    "access.PersonalToken": ["token_digest", "last_used_at"],
    "auth.Group": [],
    "guardian.UserObjectPermission": [],
    "guardian.GroupObjectPermission": [],
}
M2M_FIELDS: dict[str, list[str]] = {
    "access.User": ["groups", "user_permissions"],
    "access.ServiceAccount": ["sources", "entities"],
    "auth.Group": ["permissions"],
}


def register_models() -> None:
    from auditlog.registry import auditlog

    for label, excluded in AUDITED_MODELS.items():
        auditlog.register(apps.get_model(label), exclude_fields=excluded, m2m_fields=M2M_FIELDS.get(label, []))
