"""Links into the audit trail, built from stored text: the object's type and id go in the
query string, percent-encoded, so no id (a '/', '..', '#', a NUL-free anything) breaks a page."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def audit_object_url(object_type: str, object_id: str) -> str:
    return f"{reverse('audit-object')}?{urlencode({'object_type': object_type, 'object_id': object_id})}"
