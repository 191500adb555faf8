"""The mapping change workflow over REST, for people with a personal API token: the
same services, so the same rules (roles, entities, maker-checker) as in the browser."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from console.access.decorators import role_check
from console.access.login_audit import client_ip
from console.audit.actors import Actor
from console.mappings.api.serializers import ChangeInSerializer, ChangeOutSerializer, MappingSerializer, NoteSerializer
from console.mappings.models import ChangeOrigin, ChangeState, MappingKind
from console.mappings.selectors.browse import mappings_current, request_get, requests_visible
from console.mappings.services.reference import EntityNotFound, entity_for
from console.mappings.services.requests import (
    PROPOSERS,
    READERS,
    ChangeError,
    ChangeInvalid,
    RequestNotFound,
    RowInput,
    change_request_approve,
    change_request_create,
    change_request_reject,
    change_request_submit,
)
from console.sync.api.base import COMMON_RESPONSES, JsonApiView, error_response
from console.sync.api.errors import api_error

ERRORS = {
    400: error_response(
        "Invalid input: malformed or hostile JSON, an unknown or mistyped field, an id out of range; "
        "`items` names each bad row and field. Nothing written."
    ),
    **COMMON_RESPONSES,
    403: error_response("The role lacks this step, or it is your own request (maker-checker)."),
    404: error_response("No such request or entity among yours."),
    409: error_response("The request's state does not allow this step now; the message says why."),
    413: error_response("A body over 2 MiB."),
}
READ_ERRORS = {status: ERRORS[status] for status in (400, 401, 403, 404, 415)}
LIMIT = 500


def _actor(request: Request) -> Actor:
    return Actor.person(request.user, client_ip(request))


def _problem_response(err: Exception) -> Response:
    if isinstance(err, ChangeInvalid):
        items = [{"row": p.position, "field": p.field, "message": p.message} for p in err.problems]
        return api_error(400, "invalid_rows", str(err), items)
    if isinstance(err, (RequestNotFound, EntityNotFound)):
        return api_error(404, "not_found", str(err))
    if isinstance(err, PermissionDenied):
        return api_error(403, "permission_denied", str(err))
    return api_error(409, "conflict", str(err))


class MappingListView(JsonApiView):
    @extend_schema(
        operation_id="mappings_list",
        summary="Mappings in force now for one entity and kind",
        parameters=[
            OpenApiParameter("entity", str, required=True, description="Legal entity code"),
            OpenApiParameter("kind", str, required=True, enum=MappingKind.values),
        ],
        responses={200: MappingSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        role_check(request.user, *READERS, doing="reading mappings")
        kind = request.query_params.get("kind", "")
        if kind not in MappingKind.values:
            return api_error(400, "invalid", f"kind must be one of {', '.join(MappingKind.values)}")
        try:
            entity = entity_for(request.user, request.query_params.get("entity", ""))
        except EntityNotFound as err:
            return _problem_response(err)
        return Response(MappingSerializer(mappings_current(entity, kind).select_related("entity"), many=True).data)


class ChangeListView(JsonApiView):
    @extend_schema(
        operation_id="mapping_changes_list",
        summary="Mapping change requests of your entities, newest first (500 at most)",
        parameters=[OpenApiParameter("state", str, enum=ChangeState.values)],
        responses={200: ChangeOutSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        role_check(request.user, *READERS, doing="reading mapping changes")
        rows = requests_visible(request.user).order_by("-pk")
        state = request.query_params.get("state")
        if state:
            rows = rows.filter(state=state)
        return Response(ChangeOutSerializer(rows[:LIMIT], many=True).data)

    @extend_schema(
        operation_id="mapping_changes_create",
        summary="Write a draft change request (submit it next)",
        request=ChangeInSerializer,
        responses={201: ChangeOutSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        # The role before the body: a role that may not write is refused, not told what to fix.
        role_check(request.user, *PROPOSERS, doing="writing a mapping change")
        body = ChangeInSerializer(data=request.data)
        if not body.is_valid():
            items = [{"field": name, "message": " ".join(map(str, errs))} for name, errs in _flat(body.errors)]
            return api_error(400, "invalid", "the request body is not valid", items)
        data = body.validated_data
        rows = [RowInput(r["kind"], r["source_value"], r["odoo_id"], r.get("op")) for r in data["rows"]]
        try:
            created = change_request_create(
                user=request.user,
                actor=_actor(request),
                entity_code=data["entity"],
                title=data["title"],
                rows=rows,
                effective_at=data.get("effective_at"),
                valid_from=data.get("valid_from"),
                origin=ChangeOrigin.API,
            )
        except (ChangeError, ChangeInvalid, EntityNotFound, PermissionDenied) as err:
            return _problem_response(err)
        return Response(ChangeOutSerializer(created).data, status=201)


def _flat(errors: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """DRF's nested errors as (field path, messages): rows.2.odoo_id."""
    if isinstance(errors, dict):
        return [item for key, value in errors.items() for item in _flat(value, f"{prefix}{key}.")]
    if isinstance(errors, list) and errors and isinstance(errors[0], dict | list):
        return [item for n, value in enumerate(errors) if value for item in _flat(value, f"{prefix}{n}.")]
    return [(prefix.rstrip("."), errors)]


class ChangeDetailView(JsonApiView):
    @extend_schema(
        operation_id="mapping_changes_read",
        summary="One change request with its rows as before and after",
        responses={200: ChangeOutSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, request_id: int) -> Response:
        role_check(request.user, *READERS, doing="reading mapping changes")
        change = request_get(request.user, request_id)
        if change is None:
            return api_error(404, "not_found", f"no mapping change {request_id} in your legal entities")
        return Response(ChangeOutSerializer(change).data)


def _step(request: Request, request_id: int, step: str) -> Response:
    body = NoteSerializer(data=request.data)
    if not body.is_valid():
        return api_error(400, "invalid", "note must be text of at most 2000 characters")
    note = body.validated_data["note"]
    user, actor = request.user, _actor(request)
    try:
        if step == "submit":
            change_request_submit(user=user, actor=actor, request_id=request_id)
        elif step == "approve":
            change_request_approve(user=user, actor=actor, request_id=request_id, note=note)
        else:
            change_request_reject(user=user, actor=actor, request_id=request_id, note=note)
    except (ChangeError, ChangeInvalid, RequestNotFound, PermissionDenied) as err:
        return _problem_response(err)
    return Response(ChangeOutSerializer(request_get(user, request_id)).data)


STEP_RESPONSES: dict[int, Any] = {200: ChangeOutSerializer, **ERRORS}


class ChangeSubmitView(JsonApiView):
    @extend_schema(
        operation_id="mapping_changes_submit",
        summary="Submit your draft for a controller's decision",
        request=NoteSerializer,
        responses=STEP_RESPONSES,
    )
    def post(self, request: Request, request_id: int) -> Response:
        return _step(request, request_id, "submit")


class ChangeApproveView(JsonApiView):
    @extend_schema(
        operation_id="mapping_changes_approve",
        summary="Approve: a controller of the entity, never the requester; applied at once or at its time",
        request=NoteSerializer,
        responses=STEP_RESPONSES,
    )
    def post(self, request: Request, request_id: int) -> Response:
        return _step(request, request_id, "approve")


class ChangeRejectView(JsonApiView):
    @extend_schema(
        operation_id="mapping_changes_reject",
        summary="Reject with a reason: a controller of the entity, never the requester",
        request=NoteSerializer,
        responses=STEP_RESPONSES,
    )
    def post(self, request: Request, request_id: int) -> Response:
        return _step(request, request_id, "reject")
