"""Edit-and-resubmit as a form of the event's own fields: its head (partner, dates, reference)
and a formset of its lines, one removable per row and one blank to add. What the person
changed becomes the override case_resubmit takes (resubmit_fields.py); the canonical reader
then judges the result, and a value it refuses is that field's error."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME, BaseFormSet, formset_factory

from console.casework.resubmit_fields import (
    MIN_LINES,
    EditedLine,
    Field,
    as_payload,
    head_changes,
    head_fields,
    head_initial,
    line_changes,
    line_fields,
    line_initial,
    payload_lines,
)
from console.sync.models import SyncEvent
from console.sync.overrides import OverrideError, override_merge, payload_apply
from integrations.canonical import AMOUNT_DIGITS, MAX_LINES, PayloadError, parse_document

LINES_PREFIX = "lines"
NOTHING_CHANGED = "Nothing changed: every field is as the event would post it now."
LINES_CHANGED = "The event's lines are not those this form was filled with: open the form again."
_LINE_PATH = re.compile(r"data\.lines\[(\d+)\](?:\.(\w+))?")


def form_field(field: Field) -> forms.Field:
    common: dict[str, Any] = {"label": field.label, "required": field.required, "help_text": field.help_text}
    if field.type == "decimal":
        # Text, not a number input: what was typed reaches the server, which says what is wrong with it.
        widget = forms.TextInput({"inputmode": "decimal", "size": 12})
        return forms.DecimalField(max_digits=AMOUNT_DIGITS + 2, decimal_places=2, widget=widget, **common)
    if field.type == "date":
        return forms.DateField(input_formats=["%Y-%m-%d"], widget=forms.DateInput({"type": "date"}), **common)
    return forms.CharField(max_length=field.max_length, **common)


class HeadForm(forms.Form):
    """The document's own fields, then the reason every override needs."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # "Reason", as the field's name reads, not "Reason:"
        super().__init__(*args, **kwargs)
        for field in head_fields(kind):
            self.fields[field.name] = form_field(field)
        self.fields["reason"] = forms.CharField(
            label="Reason",
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Why these values are right: kept with the diff in the case's timeline and the audit trail.",
        )


class LineForm(forms.Form):
    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in line_fields(kind):
            self.fields[field.name] = form_field(field)


class LineFormSet(BaseFormSet[LineForm]):
    def add_fields(self, form: LineForm, index: int | None) -> None:
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = "Remove"


def line_formset(kind: str, extra: int = 1) -> type[LineFormSet]:
    least = MIN_LINES[kind]
    formset = formset_factory(
        LineForm,
        formset=LineFormSet,
        extra=extra,
        can_delete=True,
        min_num=least,
        validate_min=True,
        max_num=MAX_LINES,
        validate_max=True,
        absolute_max=MAX_LINES + 10,
    )
    assert issubclass(formset, LineFormSet)
    formset.default_error_messages = {
        **BaseFormSet.default_error_messages,
        "too_few_forms": f"Keep at least {least} line{'s' if least > 1 else ''}: the document needs {least}.",
        "too_many_forms": f"At most {MAX_LINES} lines.",
    }
    return formset


class ResubmitForm:
    """The head form and, for a kind with lines, the lines' formset, pre-filled with what the
    event would post now (the payload as received with the override so far). is_valid() leaves
    the override in `changes` and the reason in `reason`."""

    def __init__(self, event: SyncEvent, data: Any = None, *, extra_lines: int = 1) -> None:
        self.event = event
        self.kind = event.kind
        self.effective = event.effective_payload
        self.head = HeadForm(data, kind=self.kind, initial=head_initial(self.kind, self.effective))
        self.lines: LineFormSet | None = None
        if line_fields(self.kind):
            formset = line_formset(self.kind, extra_lines)
            self.lines = formset(
                data,
                initial=line_initial(self.kind, self.effective),
                form_kwargs={"kind": self.kind},
                prefix=LINES_PREFIX,
            )
        self.changes: dict[str, Any] = {}
        self.reason = ""

    def is_valid(self) -> bool:
        valid = self.head.is_valid()
        known = len(payload_lines(self.effective))
        if self.lines is not None and (self.lines.initial_form_count() != known or len(self.lines.forms) < known):
            # Another override since the form was shown, or a form cut short: its lines are not these.
            self.head.add_error(None, LINES_CHANGED)
            return False
        if self.lines is not None:
            valid = self.lines.is_valid() and valid
        if not valid:
            return False
        values = {field.path: as_payload(self.head.cleaned_data.get(field.name)) for field in head_fields(self.kind)}
        changes: dict[str, Any] = head_changes(self.kind, self.effective, values)
        order: list[LineForm] = []
        if self.lines is not None:
            edited, forms_of = self._edited_lines()
            line_override, kept = line_changes(self.kind, self.effective, edited)
            changes.update(line_override)
            order = [forms_of[id(line)] for line in kept]
        if not changes:
            self.head.add_error(None, NOTHING_CHANGED)
            return False
        if not self._reads(changes, order):
            return False
        self.changes = changes
        self.reason = self.head.cleaned_data["reason"]
        return True

    def _edited_lines(self) -> tuple[list[EditedLine], dict[int, LineForm]]:
        assert self.lines is not None
        known = len(payload_lines(self.effective))
        fields = line_fields(self.kind)
        edited, forms_of = [], {}
        for number, form in enumerate(self.lines.forms):
            index = number if number < min(known, self.lines.initial_form_count()) else None
            removed = bool(form.cleaned_data.get(DELETION_FIELD_NAME))
            if index is None and (removed or not form.has_changed()):
                continue  # the blank line to add, left blank (or added and removed again)
            values = {} if removed else {f.path: as_payload(form.cleaned_data.get(f.name)) for f in fields}
            line = EditedLine(index, values, removed)
            edited.append(line)
            forms_of[id(line)] = form
        return edited, forms_of

    def _reads(self, changes: dict[str, Any], order: list[LineForm]) -> bool:
        """Whether the document the override makes reads; if not, the reader's words on the field."""
        try:
            merged = override_merge(self.event.override or {}, changes)
            parse_document(self.kind, payload_apply(self.event.payload, merged))
        except OverrideError as err:
            self.head.add_error(None, str(err))
            return False
        except PayloadError as err:
            self._refused(err, order)
            return False
        return True

    def _refused(self, err: PayloadError, order: list[LineForm]) -> None:
        line = _LINE_PATH.fullmatch(err.path)
        if line is not None and int(line.group(1)) < len(order):
            form, name = order[int(line.group(1))], line.group(2) or ""
            form.add_error(name if name in form.fields else None, err.message)
            return
        path = err.path.removeprefix("data.")
        for field in head_fields(self.kind):
            if field.path == path:
                self.head.add_error(field.name, err.message)
                return
        self.head.add_error(None, str(err))
