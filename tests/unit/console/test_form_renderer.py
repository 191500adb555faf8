"""The Python-built widgets write what Django's widget templates write, byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from console.access.models import User
from console.form_renderer import WidgetRenderer

TRICKY = "a \"quoted\" <b>&amp; 'single' value"

WIDGETS: list[tuple[str, forms.Widget, Any]] = [
    ("text", forms.TextInput(), "plain"),
    ("text, empty", forms.TextInput(), None),
    ("text, escaped", forms.TextInput(attrs={"placeholder": TRICKY, "data-x": ""}), TRICKY),
    ("text, boolean attrs", forms.TextInput(attrs={"required": True, "disabled": False, "autofocus": True}), "x"),
    ("text, safe attr", forms.TextInput(attrs={"title": mark_safe("<i>ok</i>")}), "x"),
    ("search", forms.TextInput(attrs={"type": "search", "data-key-search": ""}), "VAT20"),
    ("number", forms.NumberInput(attrs={"step": "0.01", "min": 0}), "12.50"),
    ("hidden", forms.HiddenInput(), "category=missing_mapping&entity=US01"),
    ("email", forms.EmailInput(), "a@example.com"),
    ("password", forms.PasswordInput(render_value=True), "secret"),
    ("date", forms.DateInput(), "2026-11-23"),
    ("checkbox, on", forms.CheckboxInput(), True),
    ("checkbox, off", forms.CheckboxInput(), False),
    ("textarea", forms.Textarea(attrs={"rows": 2}), "line one\n<line two>"),
    ("textarea, empty", forms.Textarea(), ""),
    ("select", forms.Select(choices=[("", "any"), ("a", "A & B"), ("b", TRICKY)]), "b"),
    ("select, nothing chosen", forms.Select(choices=[("1", "one"), (2, "two")]), None),
    ("select, int chosen", forms.Select(choices=[(1, "one"), (2, "two")]), 2),
    ("select, groups", forms.Select(choices=[("", "none"), ("Tax", [("t1", "VAT"), ("t2", "GST")])]), "t2"),
    ("select, attrs", forms.Select(attrs={"required": True, "aria-describedby": "h"}, choices=[("x", "x")]), "x"),
    ("select multiple", forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), ["a", "c"]),
    ("radio (left to the templates)", forms.RadioSelect(choices=[("a", "A"), ("b", "B")]), "a"),
]


@pytest.mark.parametrize(("name", "widget", "value"), WIDGETS, ids=[name for name, _, _ in WIDGETS])
def test_the_widget_is_written_as_django_writes_it(name: str, widget: forms.Widget, value: Any) -> None:
    attrs = {"id": "id_field"}
    expected = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    assert widget.render("field", value, attrs=attrs, renderer=WidgetRenderer()) == expected


@pytest.mark.django_db
def test_a_model_choice_select_is_written_as_django_writes_it() -> None:
    User.objects.create_user(username='o"livia<', password="x")
    field = forms.ModelChoiceField(queryset=User.objects.all(), to_field_name="username")
    widget = field.widget
    expected = widget.render("assignee", 'o"livia<', renderer=DjangoTemplates())
    assert widget.render("assignee", 'o"livia<', renderer=WidgetRenderer()) == expected
    assert "selected" in expected


def test_forms_use_it() -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), WidgetRenderer)
