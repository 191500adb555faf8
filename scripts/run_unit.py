#!/usr/bin/env python3
"""Run one of deploy/systemd/*.service the way systemd would start it, without systemd.

    scripts/run_unit.py deploy/systemd/finops-worker@.service --instance 1 \
        --env-file /tmp/smoke/env --state-dir /tmp/smoke/state [--print]

`make prod-smoke` starts its processes with this, so what it tests is the units' own
ExecStart and environment, not a copy of them: the environment is the unit's
Environment= lines, then its EnvironmentFile= files in order (later ones win, a missing
"-" file is skipped), as systemd builds it, with /etc/finops/env read from --env-file
and /etc/finops/worker-<instance>.env from beside it. ExecStart's ${VAR} (one word),
$VAR (split on white space), %i, %H and %% are expanded as systemd does, and
/opt/finops-console, the units' install path, is this checkout. The sandboxing
(ProtectSystem= and the rest) is systemd's alone and is not reproduced.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sys
from pathlib import Path

INSTALL_DIR = "/opt/finops-console"
ENV_FILE = "/etc/finops/env"
ROOT = Path(__file__).resolve().parent.parent


def unit_entries(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) of every assignment, in order; comments and blank lines dropped."""
    entries: list[tuple[str, str, str]] = []
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, _, value = line.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


def specifiers(value: str, instance: str) -> str:
    """systemd's %i, %H and %% (the only specifiers the units use)."""
    table = {"i": instance, "H": socket.gethostname(), "%": "%"}

    def one(match: re.Match[str]) -> str:
        letter = match.group(1)
        if letter not in table:
            raise SystemExit(f"run_unit: specifier %{letter} is not supported here")
        return table[letter]

    return re.sub(r"%(.)", one, value)


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise SystemExit(f"run_unit: {path}: not VAR=value: {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def unit_environment(
    entries: list[tuple[str, str, str]], instance: str, env_file: Path, state_dir: Path
) -> dict[str, str]:
    environment = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(state_dir)}
    files: list[str] = []
    for section, key, value in entries:
        if section != "Service":
            continue
        if key == "Environment":
            for assignment in value.split():
                name, _, setting = specifiers(assignment, instance).partition("=")
                environment[name] = setting
        elif key == "EnvironmentFile":
            files.append(specifiers(value, instance))
        elif key == "StateDirectory":
            environment["STATE_DIRECTORY"] = str(state_dir)
    for name in files:
        optional = name.startswith("-")
        wanted = Path(name.lstrip("-"))
        # /etc/finops/env is --env-file; /etc/finops/worker-1.env is worker-1.env beside it.
        local = env_file if str(wanted) == ENV_FILE else env_file.parent / wanted.name
        if not local.exists():
            if optional:
                continue
            raise SystemExit(f"run_unit: EnvironmentFile {wanted} (here {local}) does not exist")
        environment.update(read_env_file(local))
    return environment


def exec_start(entries: list[tuple[str, str, str]]) -> str:
    lines = [value for section, key, value in entries if section == "Service" and key == "ExecStart"]
    if len(lines) != 1:
        raise SystemExit(f"run_unit: the unit has {len(lines)} ExecStart= lines, not one")
    return lines[0]


def command_line(template: str, instance: str, environment: dict[str, str]) -> list[str]:
    """ExecStart as argv: specifiers, then ${VAR} as one word and $VAR split on white space."""
    argv: list[str] = []
    for word in specifiers(template, instance).split():
        whole = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", word)
        if whole:
            argv.extend(environment.get(whole.group(1), "").split())
            continue
        argv.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: environment.get(m.group(1), ""), word))
    if argv and argv[0].startswith(INSTALL_DIR + "/"):
        argv[0] = str(ROOT / argv[0][len(INSTALL_DIR) + 1 :])
    return argv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("unit", type=Path)
    parser.add_argument("--instance", default="", help="the %%i of a template unit (finops-worker@.service)")
    parser.add_argument("--env-file", type=Path, required=True, help="stands for /etc/finops/env")
    parser.add_argument("--state-dir", type=Path, required=True, help="stands for /var/lib/finops-console")
    parser.add_argument("--print", action="store_true", help="print the command and its environment, run nothing")
    args = parser.parse_args()
    entries = unit_entries(args.unit)
    if args.unit.name.endswith("@.service") and not args.instance:
        raise SystemExit("run_unit: a template unit needs --instance")
    args.state_dir.mkdir(parents=True, exist_ok=True)
    environment = unit_environment(entries, args.instance, args.env_file, args.state_dir)
    argv = command_line(exec_start(entries), args.instance, environment)
    if args.print:
        print(" ".join(argv))
        return
    os.chdir(ROOT)  # WorkingDirectory=/opt/finops-console
    sys.stdout.flush()
    os.execve(argv[0], argv, environment)  # noqa: S606 (the unit's own command, as systemd runs it)


if __name__ == "__main__":
    main()
