"""Before → after of an audit row as the fields that changed (field_diff.py), for the template."""

from __future__ import annotations

from django import template

from console.audit.field_diff import FieldChange, field_changes
from console.audit.models import AuditEvent

register = template.Library()


@register.filter
def audit_changes(event: AuditEvent) -> list[FieldChange]:
    return field_changes(event.before_data, event.after_data)
