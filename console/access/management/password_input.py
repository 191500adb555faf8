"""Reading a password in a management command: typed twice at a terminal, else the first line
of standard input (`< password.txt`), as create_user reads it. Never from the command line."""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import CommandError


def password_read(*, prompt: str = "Password: ") -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the passwords did not match")
        password = first
    else:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise CommandError("give the password on standard input (or type it at a terminal)")
    return password
