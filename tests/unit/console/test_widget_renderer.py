"""Forms render their widgets through Django's Jinja2 widget templates (autoescaped), and a
widget whose template Django ships for its own engine only (the admin's) still renders."""

from __future__ import annotations

import re

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.forms.renderers import DjangoTemplates, get_default_renderer

from console.widget_renderer import WidgetRenderer

HOSTILE = '"onmouseover=alert(1) x="<script>alert("x")</script>'
HOSTILE_ESCAPED = "&#34;onmouseover=alert(1) x=&#34;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def test_forms_use_it() -> None:
    assert isinstance(get_default_renderer(), WidgetRenderer)


def test_a_widgets_value_attributes_and_labels_are_escaped() -> None:
    renderer = WidgetRenderer()
    text = forms.TextInput(attrs={"placeholder": HOSTILE}).render("q", HOSTILE, renderer=renderer)
    assert text == f'<input type="text" name="q" value="{HOSTILE_ESCAPED}" placeholder="{HOSTILE_ESCAPED}">'
    select = forms.Select(choices=[(HOSTILE, HOSTILE)]).render("flow", HOSTILE, renderer=renderer)
    assert f'<option value="{HOSTILE_ESCAPED}" selected>{HOSTILE_ESCAPED}</option>' in select
    textarea = forms.Textarea().render("reason", HOSTILE, renderer=renderer)
    assert "<script>" not in textarea and HOSTILE_ESCAPED in textarea


def test_the_markup_is_djangos_own_but_for_blank_lines() -> None:
    # Django's engine leaves a blank line after each included option; Jinja2 drops it.
    widget = forms.Select(choices=[("", "any"), ("a", "A & B"), ("Tax", [("t1", "VAT"), ("t2", "GST")])])
    attrs = {"id": "id_field", "required": True}
    ours = widget.render("field", "t2", attrs=attrs, renderer=WidgetRenderer())
    theirs = widget.render("field", "t2", attrs=attrs, renderer=DjangoTemplates())
    assert ours == re.sub(r"\n\s*\n", "\n", theirs)
    assert '<option value="t2" selected>GST</option>' in ours and 'id="id_field" required>' in ours


def test_a_widget_with_only_a_django_template_renders_through_it() -> None:
    html = AdminDateWidget().render("day", "2026-11-23", renderer=WidgetRenderer())
    assert '<input type="text" name="day" value="2026-11-23" class="vDateField"' in html
