"""HTTP front of the sandbox: Odoo's XML-RPC routes, its JSON-2 routes, and /sandbox/control.

/xmlrpc/2/<service> answers faults with integer codes, the legacy
/xmlrpc/<service> with Odoo's string codes. Responses are marshalled
without allow_none, as Odoo does, so a method returning None becomes a
fault after its transaction committed. /json/2/<model>/<method> and
/web/version are Odoo 19's JSON-2 API (json2.py): HTTP statuses and JSON
error bodies, None answered as null. The outage and latency switches apply
to both.
"""

from __future__ import annotations

import threading
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .auth import Auth, LoginGuard
from .control import Control, Switches
from .database import Database
from .dispatch import Services
from .faults import fault_for
from .json2 import Answer, Json2
from .versions import sandbox_version

CONTROL_CHARACTERS = dict.fromkeys(set(range(32)) - {9, 10, 13})


def _clean(value: Any) -> Any:
    """OdooMarshaller.dump_unicode drops the control characters XML 1.0 forbids."""
    if isinstance(value, str):
        return value.translate(CONTROL_CHARACTERS)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Room for bursts of concurrent clients without dropped SYNs (1 s retries).
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], services: Services, control: Control) -> None:
        super().__init__(address, _Handler)
        self.services = services
        self.control = control
        self.json2 = Json2(services)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, each response
    # would wait for the client's delayed ACK (~40 ms).
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and demos read their own output."""

    def _send(self, status: int, body: bytes, content_type: str = "text/xml; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. its timeout fired during a hang); the
            # transaction is committed anyway, as on a real server.
            self.close_connection = True

    def _html(self, status: int, title: str) -> None:
        body = (
            f"<!DOCTYPE html>\n<html><head><title>{status} {title}</title></head><body><h1>{title}</h1></body></html>\n"
        )
        self._send(status, body.encode(), "text/html; charset=utf-8")

    def _route(self) -> tuple[str, str] | None:
        path = self.path.split("?", 1)[0]
        if path == "/sandbox/control":
            return "control", ""
        if path in ("/web/version", "/json/version"):
            return "version", ""
        parts = path.strip("/").split("/")
        if parts[:2] == ["json", "2"]:
            return "json2", path
        if len(parts) == 3 and parts[:2] == ["xmlrpc", "2"] and parts[2]:
            return "xmlrpc2", parts[2]
        if len(parts) == 2 and parts[0] == "xmlrpc" and parts[1]:
            return "xmlrpc1", parts[1]
        return None

    def _answer(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        try:
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _json_routes(self, verb: str, kind: str, path: str, data: bytes) -> None:
        if self.server.control.switches.outage_active():
            self._html(503, "Service Unavailable")
        elif kind == "version":
            self._answer(self.server.json2.version())
        else:
            self._answer(self.server.json2.answer(verb, path, self.headers, data))

    def do_GET(self) -> None:
        route = self._route()
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        if route is not None and route[0] in ("version", "json2"):
            self._json_routes("GET", route[0], route[1], data)
        elif route is not None and route[0] != "control":
            self._html(405, "Method Not Allowed")
        else:
            self._html(404, "Not Found")

    def do_POST(self) -> None:
        route = self._route()
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length)
        if route is None:
            self._html(404, "Not Found")
            return
        kind, service = route
        if kind == "control":
            self._send(200, self._control(data))
            return
        if kind in ("version", "json2"):
            self._json_routes("POST", kind, service, data)
            return
        if self.server.control.switches.outage_active():
            self._html(503, "Service Unavailable")
            return
        legacy = kind == "xmlrpc1"
        try:
            params, method = xmlrpc.client.loads(data, use_datetime=True)
            result = self.server.services.dispatch(service, method or "", params, self.client_address[0])
            payload = xmlrpc.client.dumps((_clean(result),), methodresponse=True, allow_none=False)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a fault, like Odoo's controller
            payload = xmlrpc.client.dumps(fault_for(exc, legacy=legacy), methodresponse=True, allow_none=False)
        self._send(200, payload.encode("utf-8"))

    def _control(self, data: bytes) -> bytes:
        control = self.server.control
        try:
            params, method = xmlrpc.client.loads(data, use_datetime=True)
            if method not in Control.METHODS:
                raise AttributeError(f"unknown control method {method!r}")
            result = getattr(control, method)(*params)
            return xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False).encode("utf-8")
        except Exception as exc:  # noqa: BLE001 - report any misuse as a fault
            fault = xmlrpc.client.Fault(1, f"{type(exc).__name__}: {exc}")
            return xmlrpc.client.dumps(fault, methodresponse=True).encode("utf-8")


class SandboxServer:
    """An Odoo 17, 18 or 19 look-alike on a background thread (odoo_version; see versions.py).

    >>> srv = SandboxServer(port=0); srv.start(); srv.url  # doctest: +SKIP
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        db: str = "sandbox",
        login: str = "admin",
        password: str = "admin",  # noqa: S107 - the sandbox's documented test credential
        api_keys: tuple[str, ...] = ("sandbox-api-key",),
        *,
        latency_call_ms: float = 0,
        latency_record_ms: float = 0,
        edition: str = "community",
        login_max_failures: int = 5,
        login_cooldown_seconds: float = 60.0,
        full_accounting: bool = True,
        odoo_version: str = "18.0",
    ) -> None:
        # full_accounting: the integration user holds "Show Full Accounting Features", as the
        # README asks; False models a fresh Community admin, who cannot create bank lines.
        self.database = Database(
            db, login=login, edition=edition, full_accounting=full_accounting, version=sandbox_version(odoo_version)
        )
        guard = LoginGuard(login_max_failures, login_cooldown_seconds)
        self.auth = Auth(self.database, password, tuple(api_keys), guard)
        self.switches = Switches(call_ms=float(latency_call_ms), record_ms=float(latency_record_ms))
        self.control = Control(self.database, self.auth, self.switches)
        self.services = Services(self.database, self.auth, self.switches)
        self._httpd = _HTTPServer((host, port), self.services, self.control)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="odoo-sandbox", daemon=True
        )
        self._thread.start()

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    host: str,
    port: int,
    *,
    db: str,
    login: str,
    password: str,
    api_keys: tuple[str, ...] = (),
    latency_call_ms: float = 0,
    latency_record_ms: float = 0,
    edition: str = "community",
    full_accounting: bool = True,
    odoo_version: str = "18.0",
) -> None:
    """Serve until interrupted (used by `manage.py odoo_sandbox`)."""
    server = SandboxServer(
        host,
        port,
        db,
        login,
        password,
        tuple(api_keys),
        latency_call_ms=latency_call_ms,
        latency_record_ms=latency_record_ms,
        edition=edition,
        full_accounting=full_accounting,
        odoo_version=odoo_version,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
