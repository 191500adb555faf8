"""Django's form renderer with the plain widgets (inputs, selects, textareas) written in
Python, to the markup Django's own widget templates produce, byte for byte
(tests/unit/console/test_form_renderer.py compares the two).

Why: a template renders a select option through two includes, about 0.2 ms each, and the
case list's filter bar alone has some forty options; every list view paid ~10 ms for it.
Every other template (field and form layouts, the admin's widgets) is rendered as before."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"
# Django's widgets whose template is only {% include "django/forms/widgets/input.html" %}.
INPUT_TYPES = ("checkbox color date datetime email file hidden number password search tel text time url").split()


def _attrs(attrs: Mapping[str, Any]) -> str:
    # attrs.html: False leaves the attribute out, True writes its name alone.
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(value)}"')
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>\n'


def _included_input(widget: Mapping[str, Any]) -> str:
    return _input(widget) + "\n"


def _option(option: Mapping[str, Any]) -> str:
    value, label = conditional_escape(option["value"]), conditional_escape(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'


def _select(widget: Mapping[str, Any]) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != WIDGETS + "select_option.html":
                raise LookupError(option["template_name"])  # a custom option: the template renders it
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = conditional_escape(value) if value else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>\n'


BUILDERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    WIDGETS + "input.html": _input,
    WIDGETS + "select.html": _select,
    WIDGETS + "select_option.html": _option,
    WIDGETS + "textarea.html": _textarea,
    **{f"{WIDGETS}{kind}.html": _included_input for kind in INPUT_TYPES},
}


class WidgetRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        build = BUILDERS.get(template_name)
        if build is not None:
            try:
                return build(context["widget"]).strip()  # as BaseRenderer.render strips
            except LookupError:
                pass
        return super().render(template_name, context, request)
