"""Settings from the environment: typed, with secrets from files, and closed by default in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.database_url import parse_database_url
from console.env import ConfigError, env, env_bool, env_int

ROOT = Path(__file__).resolve().parents[3]


def start_django(tmp_path: Path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DATABASE_URL", "FINOPS_", "ALLOWED"))
    }
    clean.update(FINOPS_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="console.settings", **env_vars)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = start_django(
        tmp_path, FINOPS_ENV="production", DATABASE_URL="sqlite:///x.db", ALLOWED_HOSTS="finops.example"
    )
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required when FINOPS_ENV=production" in result.stderr


@pytest.mark.parametrize("debug", ["1", "true", "on"])
def test_production_refuses_to_start_with_debug_on(tmp_path: Path, debug: str) -> None:
    result = start_django(
        tmp_path,
        FINOPS_ENV="production",
        SECRET_KEY="s" * 60,
        DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
        ALLOWED_HOSTS="finops.example",
        DEBUG=debug,
    )
    assert result.returncode != 0
    assert "DEBUG must be off when FINOPS_ENV=production" in result.stderr


@pytest.mark.parametrize("count", ["-1", "two"])
def test_a_bad_trusted_proxy_count_refuses_to_start(tmp_path: Path, count: str) -> None:
    result = start_django(tmp_path, TRUSTED_PROXY_COUNT=count)
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT must be" in result.stderr


def test_production_starts_with_a_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s" * 60)
    result = start_django(
        tmp_path,
        FINOPS_ENV="production",
        SECRET_KEY_FILE=str(secret),
        DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
        ALLOWED_HOSTS="finops.example",
    )
    assert result.returncode == 0, result.stderr


def test_outside_production_a_random_key_is_kept_in_var(tmp_path: Path) -> None:
    assert start_django(tmp_path).returncode == 0
    assert len((tmp_path / "secret_key").read_text()) > 40


def test_database_urls() -> None:
    pg = parse_database_url("postgres://app:p%40ss@db.internal:5433/finops?sslmode=require", base_dir="/srv")
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "console.postgres",
        "finops",
        "app",
        "p@ss",
        "db.internal",
        "5433",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    assert parse_database_url("sqlite:////var/lib/finops.db", base_dir="/srv")["NAME"] == "/var/lib/finops.db"
    assert parse_database_url("sqlite:///finops.db", base_dir="/srv")["NAME"] == "/srv/finops.db"
    with pytest.raises(ConfigError, match="scheme 'mysql' is not supported"):
        parse_database_url("mysql://x/y", base_dir="/srv")


def test_typed_readers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "12")
    assert env_bool("X_BOOL", False) is True and env_int("X_INT", 0) == 12
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ConfigError, match="X_BOOL must be a boolean"):
        env_bool("X_BOOL", False)
    secret = tmp_path / "pw"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_PASSWORD_FILE", str(secret))
    assert env("X_PASSWORD") == "from-a-file"


@pytest.mark.parametrize("checks", ["database", "odoo,disk", "odoo,database"])
def test_readiness_never_treats_the_database_or_an_unknown_check_as_optional(tmp_path: Path, checks: str) -> None:
    result = start_django(tmp_path, HEALTH_OPTIONAL_CHECKS=checks)
    assert result.returncode != 0 and "HEALTH_OPTIONAL_CHECKS must be none or a list of" in result.stderr


def test_readiness_optional_checks_from_the_environment(tmp_path: Path) -> None:
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(sorted(settings.HEALTH_OPTIONAL_CHECKS))"
    )
    for value, expected in (("none", "[]"), ("odoo, broker", "['broker', 'odoo']"), ("", "['beat', 'odoo', 'worker']")):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("FINOPS_", "HEALTH_"))}
        clean.update(
            FINOPS_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="console.settings", HEALTH_OPTIONAL_CHECKS=value
        )
        result = subprocess.run(
            [sys.executable, "-c", show], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
        )
        assert result.stdout.strip() == expected, (value, result.stderr)
