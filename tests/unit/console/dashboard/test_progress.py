"""The demo terminal's progress line: what came in, what posted, what waits, the queues."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from console.sync.services.drain import events_drain
from tests.factories import invoice_event, with_data

pytestmark = pytest.mark.django_db


def test_the_progress_line_counts_events_cases_and_queued_messages(
    token: str, configured: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    unmapped = with_data(invoice_event("order-3"), lines=[{**invoice_event()["data"]["lines"][0], "tax_code": "VAT20"}])
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            "/api/v1/events/",
            data=json.dumps({"events": [invoice_event("order-1"), invoice_event("order-2"), unmapped]}),
            content_type="application/json",
        )
    events_drain()  # two post, the unmapped one needs attention and opens a case
    out = io.StringIO()
    call_command("demo_progress", count=1, stdout=out)
    line = out.getvalue()
    assert "events received 3, posted 2, waiting 0, needs attention 1, failed 0; open cases 1;" in line
    assert "messages queued: bulk 0 default 0 posting " in line
