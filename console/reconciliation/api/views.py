"""The control-total API: beside the events API, with the same service-account tokens and
scopes, but its own endpoint. A control total is not an event (it is never posted to Odoo), so it
never goes through ingestion, and sync knows nothing of reconciliation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from console.access.authentication import ServiceAccountTokenAuthentication, ServicePrincipal
from console.reconciliation.errors import ReconciliationError
from console.reconciliation.services.control_totals import control_total_record
from console.sync.api.base import COMMON_RESPONSES, JsonApiView, error_response
from console.sync.api.errors import api_error
from console.sync.api.views import IsServiceAccount

CONTROL_TOTAL = {
    "type": "object",
    "required": ["kind", "flow", "entity", "day", "count", "amounts"],
    "additionalProperties": False,
    "properties": {
        "kind": {"type": "string", "enum": ["control_total"]},
        "flow": {"oneOf": [{"type": "string", "example": "shopify:customer_invoice"}, {"type": "integer"}]},
        "entity": {"type": "string", "example": "US01"},
        "day": {"type": "string", "format": "date", "description": "The UTC day of the documents' occurred_at."},
        "count": {"type": "integer", "minimum": 0},
        "amounts": {"type": "object", "additionalProperties": {"type": "string", "example": "18430.00"}},
    },
}


class ControlTotalView(JsonApiView):
    authentication_classes = [ServiceAccountTokenAuthentication]
    permission_classes = [IsServiceAccount]

    @extend_schema(
        operation_id="control_totals_record",
        summary="What a source says it sent for one flow and UTC day (replaces an earlier total of that day)",
        request={"application/json": CONTROL_TOTAL},
        responses={
            201: OpenApiResponse(description="Recorded (or replaced the day's earlier total)"),
            400: error_response("A missing, unknown or mistyped field; the message names it; nothing is stored"),
            **COMMON_RESPONSES,
            403: error_response("The token is not scoped to the flow's source or the legal entity"),
        },
    )
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, ServicePrincipal)
        body: Any = request.data
        try:
            total = control_total_record(account=request.user.account, item=body)
        except ReconciliationError as err:
            return api_error(err.status, err.code, err.message)
        return Response(
            {
                "control_total_id": total.pk,
                "entity": total.entity.code,
                "flow": f"{total.flow.source.code}:{total.flow.event_kind}",
                "day": total.day.isoformat(),
                "count": total.count,
                "amounts": total.amounts,
                "replaced": total.replaced,
            },
            status=201,
        )
