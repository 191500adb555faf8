from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the Odoo sandbox (XML-RPC external API, as Odoo 17, 18 or 19) for the demo and the tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8069)
        parser.add_argument("--db", default="sandbox")
        parser.add_argument("--login", default="admin")
        parser.add_argument("--password", default="admin")
        parser.add_argument(
            "--api-key",
            action="append",
            dest="api_keys",
            help="an API key of the integration user (repeatable; default sandbox-api-key): XML-RPC accepts it "
            "as the password, JSON-2 as the bearer token",
        )
        parser.add_argument("--latency-call-ms", type=float, default=0.0)
        parser.add_argument("--latency-record-ms", type=float, default=0.0)
        parser.add_argument(
            "--odoo-version",
            choices=["17.0", "18.0", "19.0"],
            default="18.0",
            help="the Odoo version whose field names and payment states the sandbox has",
        )
        parser.add_argument(
            "--no-full-accounting",
            action="store_true",
            help="the integration user lacks 'Show Full Accounting Features', as a fresh Community admin does: "
            "creating bank statement lines is refused (Fault 4)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from integrations.odoo.sandbox.server import serve

        self.stderr.write(
            f"Odoo {options['odoo_version']} sandbox on http://{options['host']}:{options['port']} (db {options['db']})"
        )
        serve(
            options["host"],
            options["port"],
            db=options["db"],
            login=options["login"],
            password=options["password"],
            api_keys=tuple(options["api_keys"] or ["sandbox-api-key"]),
            latency_call_ms=options["latency_call_ms"],
            latency_record_ms=options["latency_record_ms"],
            full_accounting=not options["no_full_accounting"],
            odoo_version=options["odoo_version"],
        )
