"""The form renderer: Django's own widget and form templates in their Jinja2 form
(django/forms/jinja2), compiled once and autoescaped. The case list's filter bar renders its
~40 select options in about half the time the same templates take in Django's engine
(tests/bench/bench_templates.py). A template Django ships for its own engine only (the admin's
widgets) is rendered by that engine, as before."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class WidgetRenderer(Jinja2):
    @cached_property
    def django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
