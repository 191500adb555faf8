"""The webhook endpoints: thin. No session, no CSRF token (the provider signs the body instead);
the size limit is checked before the body is read, the signature before anything parses it."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from console.sources.selectors import endpoint_find
from console.sources.services.receiving import delivery_receive
from console.sources.services.refusals import refusal_count

logger = logging.getLogger(__name__)

NOT_FOUND = {"error": {"code": "not_found", "message": "no webhook endpoint at this address"}}


def _too_large(provider: str, code: str, limit: int) -> JsonResponse:
    refusal_count(provider=provider, source_code=code, reason="body_too_large")
    message = f"the body is over the limit of {limit} bytes"
    return JsonResponse({"error": {"code": "body_too_large", "message": message}}, status=413)


@csrf_exempt
@require_POST
def webhook_receive(request: HttpRequest, provider: str, code: str) -> HttpResponse:
    started = time.perf_counter()
    received_at = timezone.now()
    source = endpoint_find(provider=provider, code=code)
    if source is None:
        refusal_count(provider=provider, source_code="", reason="unknown_source")
        logger.warning("webhook to an unknown endpoint: %s/%r", provider, code[:64])
        return JsonResponse(NOT_FOUND, status=404)
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _too_large(provider, source.code, limit)
    try:
        body = request.body
    except RequestDataTooBig:
        return _too_large(provider, source.code, limit)
    if len(body) > limit:
        return _too_large(provider, source.code, limit)
    answer = delivery_receive(
        source=source, headers=request.headers, body=body, received_at=received_at, started=started
    )
    return JsonResponse(answer.body, status=answer.status)
