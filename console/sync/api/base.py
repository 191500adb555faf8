"""What every JSON endpoint shares: JSON in (the strict parser), JSON out, and the
answers documented on every operation of the schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.request import Request
from rest_framework.views import APIView

from console.sync.api import schema
from console.sync.api.parsers import StrictJSONParser


def error_response(description: str) -> OpenApiResponse:
    """A documented answer in the API's error shape."""
    return OpenApiResponse(description=description, response=schema.ERROR)


COMMON_RESPONSES: dict[int, OpenApiResponse] = {
    401: error_response("No token, or an invalid or revoked one"),
    403: error_response("Authenticated, but this role, source or legal entity is not allowed"),
    415: error_response("A body whose Content-Type is not application/json"),
}


def is_json(request: Request) -> bool:
    return (request.content_type or "").split(";")[0].strip().lower() == "application/json"


class JsonApiView(APIView):
    parser_classes = [StrictJSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication and permissions first: 401/403 before 415
        has_body = request.META.get("CONTENT_LENGTH") not in (None, "", "0")
        if has_body and not is_json(request):
            raise UnsupportedMediaType(request.content_type)
