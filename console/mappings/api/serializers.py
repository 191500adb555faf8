"""The mapping API's shapes: input checked by DRF for types, the rules by the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from console.mappings.models import ChangeRequest, ChangeState, Mapping, MappingKind, RowOp
from console.mappings.selectors.browse import request_diff
from console.mappings.services.requests import MAX_ODOO_ID
from console.validators import time_within_years
from integrations.canonical import printable_name


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not define, by name, as the ingestion API does."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {printable_name(str(key)): ["is not a field here"] for key in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)


class MappingSerializer(serializers.ModelSerializer[Mapping]):
    entity = serializers.CharField(source="entity.code")

    class Meta:
        model = Mapping
        fields = ["entity", "kind", "source_value", "version", "odoo_id", "odoo_label", "valid_from", "valid_to"]


class RowInSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=MappingKind.values)
    source_value = serializers.CharField(max_length=100, trim_whitespace=True)
    odoo_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ODOO_ID, allow_null=True, help_text="Empty (null) retires the code."
    )
    op = serializers.ChoiceField(
        choices=RowOp.values, required=False, allow_null=True, help_text="Worked out from the mappings when left out."
    )


class ChangeInSerializer(StrictSerializer):
    entity = serializers.CharField(max_length=16, help_text="Legal entity code, e.g. US01.")
    title = serializers.CharField(max_length=200, help_text="What changes and why.")
    rows = RowInSerializer(many=True, allow_empty=False)
    effective_at = serializers.DateTimeField(
        required=False, allow_null=True, validators=[time_within_years], help_text="Apply then; empty: on approval."
    )
    valid_from = serializers.DateTimeField(
        required=False,
        allow_null=True,
        validators=[time_within_years],
        help_text="Holds for events that occurred from then; empty: from applying.",
    )


class NoteSerializer(StrictSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DiffRowSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    op = serializers.CharField()
    kind = serializers.CharField()
    source_value = serializers.CharField()
    before = serializers.CharField()
    before_version = serializers.IntegerField(allow_null=True)
    after = serializers.CharField()
    applied_version = serializers.IntegerField(allow_null=True)


class ChangeOutSerializer(serializers.ModelSerializer[ChangeRequest]):
    entity = serializers.CharField(source="entity.code")
    requested_by = serializers.CharField(source="requested_by.username")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    state = serializers.ChoiceField(choices=ChangeState.values)
    rows = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "entity",
            "title",
            "state",
            "origin",
            "requested_by",
            "created_at",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "effective_at",
            "valid_from",
            "applied_at",
            "requeued",
            "rows",
        ]

    def get_rows(self, change: ChangeRequest) -> list[dict[str, Any]]:
        return [dict(DiffRowSerializer(d).data) for d in request_diff(change)]
