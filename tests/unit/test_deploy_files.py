"""deploy/: the units, the Procfile, the env file and the nginx site agree with each other and with
the settings; scripts/run_unit.py starts a unit's command as systemd would (make prod-smoke uses it)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from secrets import token_urlsafe
from types import ModuleType

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ("finops-web.service", "finops-worker@.service", "finops-beat.service")
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictSUIDSGID": "yes",
    "RestrictNamespaces": "yes",
    "LockPersonality": "yes",
    "CapabilityBoundingSet": "",
    "SystemCallArchitectures": "native",
}


def run_unit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_unit", ROOT / "scripts" / "run_unit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def service(unit: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for section, key, value in run_unit().unit_entries(DEPLOY / "systemd" / unit):
        if section == "Service":
            values.setdefault(key, []).append(value)
    return values


def procfile() -> dict[str, str]:
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def nginx_locations() -> dict[str, str]:
    text = (DEPLOY / "nginx" / "finops-console.conf").read_text()
    return {m.group(1): m.group(2) for m in re.finditer(r"location (\S+) \{(.*?)\n    \}", text, re.S)}


def size_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([km]?)", value).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


@pytest.mark.parametrize("unit", UNITS)
def test_each_unit_reads_the_env_file_runs_unprivileged_and_is_hardened(unit: str) -> None:
    values = service(unit)
    assert values["EnvironmentFile"][0] == "/etc/finops/env"
    assert values["User"] == ["finops"]
    assert values["Restart"] == ["always"]
    assert values["StateDirectory"] == ["finops-console"]  # writable under ProtectSystem=strict
    for key, wanted in HARDENING.items():
        assert values.get(key) == [wanted], f"{unit}: {key}={values.get(key)}"


@pytest.mark.parametrize(("unit", "process"), [(UNITS[0], "web"), (UNITS[1], "worker"), (UNITS[2], "beat")])
def test_the_procfile_runs_the_same_command_as_each_unit(unit: str, process: str) -> None:
    command = service(unit)["ExecStart"][0].replace("/opt/finops-console/", "")
    # The unit's %i and %H are the Procfile's FINOPS_WORKER_NAME and Celery's own %h.
    command = command.replace("%i", "${FINOPS_WORKER_NAME}").replace("%H", "%h")
    assert procfile()[process] == command


def test_workers_consume_every_queue_the_tasks_are_routed_to_by_default() -> None:
    defaults = dict(v.split("=", 1) for v in service("finops-worker@.service")["Environment"])
    queues = set(defaults["FINOPS_WORKER_QUEUES"].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert queues == set(settings.CELERY_TASK_QUEUES) == routed


def test_the_beat_is_its_own_unit_and_no_worker_runs_one() -> None:
    assert " beat " in service("finops-beat.service")["ExecStart"][0]
    worker = service("finops-worker@.service")["ExecStart"][0].split()
    assert "-B" not in worker and "--beat" not in worker


def test_nginx_lets_through_each_body_the_app_accepts_and_no_more_than_it_needs() -> None:
    locations = nginx_locations()

    def limit(location: str) -> int:
        found = re.search(r"client_max_body_size (\S+);", locations[location])
        assert found, f"location {location} sets no client_max_body_size"
        return size_bytes(found.group(1))

    assert settings.INGEST_MAX_BODY_BYTES < limit("/api/") <= 2 * settings.INGEST_MAX_BODY_BYTES
    assert settings.WEBHOOK_MAX_BODY_BYTES < limit("/webhooks/") <= 2 * settings.WEBHOOK_MAX_BODY_BYTES
    assert settings.STATEMENT_FILE_MAX_BYTES < limit("/files/") <= 2 * settings.STATEMENT_FILE_MAX_BYTES


def test_nginx_gives_webhooks_short_timeouts_and_health_no_authentication() -> None:
    locations = nginx_locations()
    timeouts = re.findall(r"proxy_read_timeout (\d+)s;", locations["/webhooks/"])
    assert timeouts and int(timeouts[0]) <= 10
    assert "auth_" not in locations["/health/"]
    site = (DEPLOY / "nginx" / "finops-console.conf").read_text()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site  # SECURE_PROXY_SSL_HEADER trusts it


def test_every_variable_of_the_env_example_is_one_the_console_or_its_units_read() -> None:
    read = (ROOT / "console" / "settings.py").read_text() + "".join(
        (DEPLOY / "systemd" / unit).read_text() for unit in UNITS
    )
    names = [line.split("=", 1)[0] for line in (DEPLOY / "env.example").read_text().splitlines() if "=" in line]
    for name in names:
        if name.startswith("#"):
            continue
        base = name.removesuffix("_FILE")
        assert f'"{base}"' in read or "${" + base + "}" in read, f"deploy/env.example sets {name}, read by nothing"


def test_the_env_example_passes_djangos_deployment_checks_once_its_placeholders_are_filled(tmp_path: Path) -> None:
    secrets = {"secret_key": token_urlsafe(50), "odoo_password": "x", "smtp_password": "y"}
    for name, value in secrets.items():
        (tmp_path / name).write_text(value)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINOPS_", "SECRET_KEY", "DATABASE_URL"))}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value.replace("/etc/finops/", f"{tmp_path}/").replace("/var/lib/finops-console", str(tmp_path))
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/check.sqlite3"  # check --deploy opens no connection to it
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_run_unit_expands_specifiers_and_variables_as_systemd_does(tmp_path: Path) -> None:
    module = run_unit()
    argv = module.command_line(
        "/opt/finops-console/.venv/bin/celery -Q ${QUEUES} --hostname worker-%i@x %%h $SPLIT",
        "2",
        {"QUEUES": "posting,bulk", "SPLIT": "--a 1"},
    )
    assert argv == [str(ROOT / ".venv/bin/celery"), "-Q", "posting,bulk", "--hostname", "worker-2@x", "%h", "--a", "1"]


def test_run_unit_reads_the_env_file_over_the_units_defaults_and_the_instance_file_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINOPS_CALLERS_OWN", "1")
    module = run_unit()
    env_file = tmp_path / "env"
    env_file.write_text("FINOPS_WORKER_QUEUES=posting\nFINOPS_WORKER_CONCURRENCY=8\n")
    (tmp_path / "worker-control.env").write_text("FINOPS_WORKER_QUEUES=webhooks,bulk,default\n")
    entries = module.unit_entries(DEPLOY / "systemd" / "finops-worker@.service")

    numbered = module.unit_environment(entries, "1", env_file, tmp_path)
    control = module.unit_environment(entries, "control", env_file, tmp_path)

    assert numbered["FINOPS_WORKER_QUEUES"] == "posting"
    assert numbered["FINOPS_WORKER_CONCURRENCY"] == "8"
    assert numbered["FINOPS_WORKER_LOGLEVEL"] == "INFO"  # the unit's default, not overridden
    assert control["FINOPS_WORKER_QUEUES"] == "webhooks,bulk,default"
    assert "FINOPS_CALLERS_OWN" not in numbered  # nothing of the caller's environment leaks in
