"""Links from the audit trail, built from stored text.

- To an object's history: the object's type and id go in the query string, percent-encoded, so
  no id (a '/', '..', '#', a NUL-free anything) breaks a page.
- To the page of what a row is about (the case, the event, the change request, the mapping...):
  only for the kinds an auditor has a page for, and only for an id of the shape that page takes;
  any other row has its history link alone. The page itself checks the auditor's entities.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@dataclass(frozen=True)
class Subject:
    url: str
    label: str


@register.simple_tag
def audit_object_url(object_type: str, object_id: str) -> str:
    return f"{reverse('audit-object')}?{urlencode({'object_type': object_type, 'object_id': object_id})}"


def _by_pk(name: str, label: str) -> Callable[[str], Subject | None]:
    def link(object_id: str) -> Subject | None:
        # isdecimal() and isascii(): "١٢" is decimal to Python but not an id of ours.
        if not (object_id.isascii() and object_id.isdecimal()):
            return None
        return Subject(reverse(name, args=[int(object_id)]), f"{label} {object_id}")

    return link


def _mapping(object_id: str) -> Subject | None:
    """A mapping's rows are "kind:ENTITY:code" (a version) or "kind:ENTITY" (an import)."""
    kind, _, rest = object_id.partition(":")
    entity, _, code = rest.partition(":")
    if not kind or not entity or "/" in kind + entity:
        return None
    url = reverse("mapping-kind", args=[entity, kind])
    if not code:
        return Subject(url, f"{kind} mappings of {entity}")
    return Subject(f"{reverse('mapping-history', args=[entity, kind])}?{urlencode({'code': code})}", f"mapping {code}")


SUBJECTS: dict[str, Callable[[str], Subject | None]] = {
    "case": _by_pk("case-detail", "case"),
    "sync_event": _by_pk("event-story", "event"),
    "mapping_change": _by_pk("mapping-change", "change request"),
    "mapping": _mapping,
    "flow": _by_pk("flow-detail", "flow"),
    "legal_entity": _by_pk("config-entity", "entity"),
    "statement_file": _by_pk("file-detail", "statement file"),
    "payroll_file": _by_pk("payroll-detail", "payroll file"),
    "reconciliation_run": _by_pk("recon-run-detail", "reconciliation run"),
}


@register.simple_tag
def audit_subject(object_type: str, object_id: str) -> Subject | None:
    """The page of what the row is about, or None when there is none to link."""
    link = SUBJECTS.get(object_type)
    return link(object_id) if link is not None else None
