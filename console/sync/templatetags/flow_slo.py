from __future__ import annotations

from django import template

from console.sync.slo import slo_words

register = template.Library()


@register.filter
def slo(seconds: int) -> str:
    """300 → "5 minutes", 86400 → "24 hours"."""
    return slo_words(int(seconds))
