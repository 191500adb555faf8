"""Parse DATABASE_URL into Django's DATABASES entry (postgres:// and sqlite:///)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from console.env import ConfigError


def parse_database_url(url: str, *, base_dir: str) -> dict[str, Any]:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as in dj-database-url.
        path = unquote(parsed.path)
        if path.startswith("/") and not path.startswith("//"):
            path = path[1:]
        elif path.startswith("//"):
            path = path[1:]
        if not path:
            raise ConfigError("DATABASE_URL sqlite:/// needs a file path")
        if not path.startswith("/") and path != ":memory:":
            path = f"{base_dir}/{path}"
        return sqlite_database(path)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "console.postgres",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ConfigError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported; use postgres:// or sqlite:///")


def sqlite_database(path: str) -> dict[str, Any]:
    return {
        "ENGINE": "console.sqlite",
        "NAME": path,
        # IMMEDIATE takes the write lock at BEGIN: the audit chain head and event
        # claims read-then-write, which would otherwise fail with "database is locked".
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
