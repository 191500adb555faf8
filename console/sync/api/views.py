"""The ingestion API: thin; parsing and rules live in services/ingest.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from console.access.authentication import ServiceAccountTokenAuthentication, ServicePrincipal
from console.log_context import events_touched
from console.sync.api import schema
from console.sync.api.base import COMMON_RESPONSES, JsonApiView, error_response, is_json
from console.sync.api.errors import api_error
from console.sync.api.strict_json import JsonRefused, loads_strict
from console.sync.models import SyncEvent
from console.sync.services.ingest import IngestError, events_ingest, rejection_count


class IsServiceAccount(BasePermission):
    message = "Ingestion needs a service account token: 'Authorization: Token <token>'."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, ServicePrincipal)


def _refuse(status: int, code: str, message: str) -> Response:
    rejection_count(reason=code)
    return api_error(status, code, message)


class EventIngestView(APIView):
    authentication_classes = [ServiceAccountTokenAuthentication]
    permission_classes = [IsServiceAccount]
    parser_classes: list[Any] = []  # the body is read and parsed here, with size limits first

    @extend_schema(
        operation_id="events_ingest",
        summary="Ingest one event or a batch of up to 1000",
        request={"application/json": schema.INGEST_REQUEST},
        responses={
            201: OpenApiResponse(
                description="Created (single event, or every event of a batch)", response=schema.ITEM_RESULT
            ),
            200: OpenApiResponse(
                description="Same key and payload seen before (single), or a batch with repeats: see each item's status"
            ),
            400: error_response(
                "Malformed or hostile JSON, a missing, unknown or mistyped field, an amount or total too large, an "
                "unknown source or entity; the message names the field, nothing is stored"
            ),
            **COMMON_RESPONSES,
            403: error_response("The token is not scoped to the event's source or legal entity"),
            409: OpenApiResponse(description="Same key seen before with a different payload (recorded as a conflict)"),
            413: error_response("Body larger than the configured limit"),
        },
    )
    def post(self, request: Request) -> Response:
        limit = settings.INGEST_MAX_BODY_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return _refuse(413, "body_too_large", f"body of {declared} bytes is over the limit of {limit} bytes")
        if not is_json(request):
            return _refuse(415, "unsupported_media_type", "Content-Type must be application/json")
        try:
            raw = request._request.body
        except RequestDataTooBig:
            return _refuse(413, "body_too_large", f"body is over the limit of {limit} bytes")
        if len(raw) > limit:
            return _refuse(413, "body_too_large", f"body of {len(raw)} bytes is over the limit of {limit} bytes")
        try:
            body = loads_strict(raw)
        except JsonRefused as err:
            return _refuse(400, err.code, err.message)
        batch = isinstance(body, dict) and "events" in body
        if batch:
            if set(body) != {"events"}:
                return _refuse(400, "unknown_field", "a batch body holds only 'events'")
            items = body["events"]
            if not isinstance(items, list) or not items:
                return _refuse(400, "invalid_batch", "events: must be a non-empty list")
            if len(items) > settings.INGEST_MAX_BATCH:
                return _refuse(
                    400, "batch_too_large", f"events: {len(items)} items, at most {settings.INGEST_MAX_BATCH} per batch"
                )
        else:
            items = [body]
        assert isinstance(request.user, ServicePrincipal)
        try:
            results = events_ingest(account=request.user.account, items=items)
        except IngestError as err:
            return api_error(err.status, err.code, err.message, err.items if batch else None)
        events_touched(r.event_id for r in results)
        if not batch:
            result = results[0]
            return Response(result.as_dict(), status=result.status)
        created = sum(1 for r in results if r.result == "created")
        return Response(
            {
                "created": created,
                "duplicates": sum(1 for r in results if r.result == "duplicate"),
                "conflicts": sum(1 for r in results if r.result == "conflict"),
                "results": [r.as_dict() for r in results],
            },
            status=201 if created == len(results) else 200,
        )


class EventDetailView(JsonApiView):
    """A source system reads back the state of an event it sent."""

    authentication_classes = [ServiceAccountTokenAuthentication]
    permission_classes = [IsServiceAccount]

    @extend_schema(
        operation_id="events_read",
        summary="State of one event of this token's sources and legal entities",
        responses={
            200: OpenApiResponse(description="The event's state", response=schema.EVENT_STATE),
            **COMMON_RESPONSES,
            404: error_response("No such event of this token's sources and legal entities"),
        },
    )
    def get(self, request: Request, event_id: int) -> Response:
        assert isinstance(request.user, ServicePrincipal)
        account = request.user.account
        event = (
            SyncEvent.objects.filter(pk=event_id, source__service_accounts=account, entity__service_accounts=account)
            .select_related("source", "entity")
            .first()
        )
        if event is None:
            return api_error(404, "not_found", f"no event {event_id} of this token's sources and entities")
        return Response(
            {
                "event_id": event.pk,
                "source": event.source.code,
                "kind": event.kind,
                "external_id": event.external_id,
                "entity": event.entity.code,
                "state": event.state,
                "attempts": event.attempt_count,
                "reason_code": event.reason_code,
                "reason": event.reason_message,
                "odoo_model": event.odoo_model,
                "odoo_id": event.odoo_id,
                "odoo_name": event.odoo_name,
                "posted_at": event.posted_at,
            }
        )


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Any other address under /api/: the API's error shape, not the HTML page of a browser."""
    return JsonResponse({"error": {"code": "not_found", "message": f"no API endpoint at {request.path}"}}, status=404)
