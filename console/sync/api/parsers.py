"""The JSON parser of the people's API (mappings): the ingestion body's strict reading
(console/sync/api/strict_json.py) and a size limit, so that a malformed, duplicated,
too deep or too large body is a JSON 400 or 413 and never an HTML 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser

from console.sync.api.strict_json import JsonRefused, loads_strict, text_problem

# A mapping change request holds at most 5,000 rows of about 100 bytes each.
MAX_BODY_BYTES = 2 * 1024 * 1024


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


class StrictJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        limit = MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge(f"body is over the limit of {limit} bytes")
        try:
            value = loads_strict(raw)
        except JsonRefused as err:
            raise ParseError(err.message, code=err.code) from None
        problem = text_problem(value)
        if problem is not None:
            raise ParseError(problem, code="invalid_text")
        return value
