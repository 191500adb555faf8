"""One error shape for the API: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_error(status: int, code: str, message: str, items: list[dict[str, Any]] | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if items:
        body["items"] = items
    return Response({"error": body}, status=status)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    message = str(detail) if detail is not None else str(response.data)
    response.data = {"error": {"code": code, "message": message}}
    return response
