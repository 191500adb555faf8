"""LOG_FORMAT=json: one JSON object per line, for a log pipeline to read without patterns.

A line holds the record's own words and the fields a caller passed in `extra` under
`fields` (the request and task lines); the correlation id of the work it was written in,
always. Nothing else of the record is copied: not its arguments, so what a caller formats
into its message is all that is written (no header, token or body is ever passed in).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from console.log_context import correlation_id


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = correlation_id()
        if current:
            line["correlation_id"] = current
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)
