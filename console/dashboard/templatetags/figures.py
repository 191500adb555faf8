"""{% figure count href label %}: a dashboard number, a link to its list when there is one.

A tag rather than an include: the flows table writes six per flow, and an include costs
more than the rest of the cell. format_html escapes every value."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def figure(count: object, href: str | None, label: str) -> SafeString:
    if href:
        return format_html(
            '<a class="figure" data-count="{}" href="{}" aria-label="{}">{}</a>', count, href, label, count
        )
    return format_html('<span class="figure" data-count="{}">{}</span>', count, count)
