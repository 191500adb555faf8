"""Typed readers for settings that come from the environment.

Every secret may also be given as NAME_FILE (a path whose content is the value),
so containers and systemd credentials never put secrets in the process table.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the process must not start."""


def env(name: str, default: str | None = None) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_str(name: str, default: str) -> str:
    value = env(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {value!r}") from exc


def env_float(name: str, default: float) -> float:
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {value!r}") from exc


def env_decimal(name: str, default: str) -> Decimal:
    """A decimal read exactly (a share, a rate): never through float."""
    value = env(name)
    written = default if value is None or value == "" else value.strip()
    try:
        number = Decimal(written)
    except InvalidOperation as exc:
        raise ConfigError(f"{name} must be a decimal number such as 0.25, got {value!r}") from exc
    if not number.is_finite():
        raise ConfigError(f"{name} must be a decimal number such as 0.25, got {value!r}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
