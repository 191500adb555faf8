"""Replaces django-axes' axes_reset, axes_reset_username, axes_reset_ip and axes_reset_ip_username
(console.access comes first in INSTALLED_APPS): lifting a lockout changes who may sign in, so
each leaves an auth.lockouts_reset audit row (access.login_throttle.sign_in_lockouts_reset)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from console.access.login_throttle import sign_in_lockouts_reset
from console.audit.actors import Actor


class Command(BaseCommand):
    help = "Lift every sign-in lockout (recorded on the audit trail)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.report(sign_in_lockouts_reset(actor=Actor.system("axes_reset")))

    def report(self, removed: int) -> None:
        self.stdout.write(f"{removed} attempts removed." if removed else "No attempts found.")
