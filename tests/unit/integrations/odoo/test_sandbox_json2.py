"""The JSON-2 API as Odoo 19 answers it (addons/rpc/controllers/json2.py, odoo/http.py), spoken
raw over HTTP: statuses, JSON error bodies, bearer keys, the database header, the same dispatch."""

from __future__ import annotations

import http.client
import json
import time
from typing import Any

import pytest

from integrations.odoo.sandbox.server import SandboxServer

DB, API_KEY = "sandbox", "sandbox-api-key"


@pytest.fixture(scope="module")
def odoo_version() -> str:
    """JSON-2 is served from Odoo 19 on: this module's sandbox answers as 19 whatever the pass."""
    return "19.0"


class Reply:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = {name.lower(): value for name, value in response.getheaders()}
        self.raw = response.read()

    @property
    def json(self) -> Any:
        assert self.headers["content-type"] == "application/json; charset=utf-8"
        return json.loads(self.raw)


def send(server: SandboxServer, verb: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Reply:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    try:
        conn.request(verb, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        return Reply(conn.getresponse())
    finally:
        conn.close()


def call(odoo: Any, model: str, method: str, body: Any = None, *, key: str = API_KEY, **headers: str) -> Reply:
    sent = {"Authorization": f"bearer {key}", **{name.replace("_", "-"): value for name, value in headers.items()}}
    return send(odoo.server, "POST", f"/json/2/{model}/{method}", {} if body is None else body, sent)


def error(reply: Reply, status: int, name: str) -> dict[str, Any]:
    assert reply.status == status, reply.raw
    body = reply.json
    assert set(body) == {"name", "message", "arguments", "context", "debug"}
    assert body["name"] == name
    assert body["context"] == {}
    return dict(body)


def test_version_needs_no_key(odoo: Any) -> None:
    for path in ("/web/version", "/json/version"):
        reply = send(odoo.server, "GET", path)
        assert reply.status == 200
        assert reply.json == {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}


def test_an_odoo_18_serves_no_json2() -> None:
    with SandboxServer(port=0, odoo_version="18.0") as server:
        reply = send(server, "POST", "/json/2/res.partner/search", {}, {"Authorization": f"bearer {API_KEY}"})
    assert reply.status == 404 and b"Not Found" in reply.raw
    assert reply.headers["content-type"] == "text/html; charset=utf-8"


def test_named_arguments_and_ids(odoo: Any) -> None:
    reply = call(odoo, "res.company", "search_read", {"domain": [["id", "=", 1]], "fields": ["name"]})
    assert (reply.status, reply.json) == (200, [{"id": 1, "name": "My Company"}])
    reply = call(odoo, "res.company", "read", {"ids": [1], "fields": ["name"], "context": {"lang": "en_US"}})
    assert reply.json == [{"id": 1, "name": "My Company"}]
    assert call(odoo, "res.users", "context_get").json["uid"] == 2


def test_the_same_records_as_xml_rpc(odoo: Any) -> None:
    created = call(odoo, "res.partner", "create", {"vals_list": [{"name": "Json Ltd"}, {"name": "Two Ltd"}]})
    assert created.status == 200
    first, second = created.json
    assert odoo.read1("res.partner", first, ["name"])["name"] == "Json Ltd"
    assert call(odoo, "res.partner", "write", {"ids": [second], "vals": {"name": "Renamed"}}).json is True
    assert odoo.read1("res.partner", second, ["name"])["name"] == "Renamed"


def test_dates_are_odoo_strings_and_none_is_null_after_the_commit(odoo: Any) -> None:
    move_id = odoo.posted_invoice()
    [row] = call(odoo, "account.move", "read", {"ids": [move_id], "fields": ["invoice_date", "state"]}).json
    assert row == {"id": move_id, "invoice_date": "2026-03-05", "state": "posted"}
    reply = call(odoo, "account.move", "button_draft", {"ids": [move_id]})
    assert (reply.status, reply.raw) == (200, b"null")
    assert odoo.read1("account.move", move_id, ["state"])["state"] == "draft"


def test_a_missing_or_wrong_key_is_401(odoo: Any) -> None:
    reply = send(odoo.server, "POST", "/json/2/res.partner/search", {"domain": []})
    body = error(reply, 401, "werkzeug.exceptions.Unauthorized")
    message = 'User not authenticated, use the "Authorization" header'
    assert (body["message"], body["arguments"]) == (message, [message, 401])
    assert reply.headers["www-authenticate"] == "Bearer"
    for key in ("wrong", odoo.PASSWORD):  # a password is not an API key
        body = error(
            call(odoo, "res.partner", "search", {"domain": []}, key=key), 401, "werkzeug.exceptions.Unauthorized"
        )
        assert body["message"] == "Invalid apikey"
    assert call(odoo, "res.partner", "search_count", {"domain": []}, key=API_KEY).status == 200


def test_keys_are_not_subject_to_the_login_cooldown(odoo: Any) -> None:
    for _ in range(6):
        assert odoo.common.authenticate(DB, "admin", "wrong", {}) is False
    assert call(odoo, "res.partner", "search_count", {"domain": []}).status == 200


def test_the_database_header(odoo: Any) -> None:
    assert call(odoo, "res.partner", "search_count", {"domain": []}, X_Odoo_Database=DB).status == 200
    reply = call(odoo, "res.partner", "search_count", {"domain": []}, X_Odoo_Database="other")
    assert reply.status == 404
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert b"No database is selected" in reply.raw
    # One database on the server: no header needed (Odoo's monodb).
    assert call(odoo, "res.partner", "search_count", {"domain": []}).status == 200


def test_unknown_model_unknown_method_private_method(odoo: Any) -> None:
    body = error(call(odoo, "no.such.model", "search", {"domain": []}), 404, "werkzeug.exceptions.NotFound")
    assert body["message"] == "the model 'no.such.model' does not exist"
    body = error(call(odoo, "res.partner", "action_post", {"ids": [1]}), 404, "werkzeug.exceptions.NotFound")
    assert body["message"] == "The method 'res.partner.action_post' does not exist"
    body = error(call(odoo, "ir.model.data", "_xmlid_to_res_id", {}), 403, "odoo.exceptions.AccessError")
    assert body["message"] == "Private methods (such as 'ir.model.data._xmlid_to_res_id') cannot be called remotely."


def test_arguments_that_do_not_fit_are_422(odoo: Any) -> None:
    body = error(
        call(odoo, "res.partner", "create", {"ids": [1], "vals_list": [{"name": "X"}]}),
        422,
        "werkzeug.exceptions.UnprocessableEntity",
    )
    assert body["message"] == "cannot call res.partner.create with ids"
    body = error(
        call(odoo, "res.partner", "search_count", {"domain": [], "bogus_kwarg": 1}),
        422,
        "werkzeug.exceptions.UnprocessableEntity",
    )
    assert "bogus_kwarg" in body["message"]
    body = error(call(odoo, "res.partner", "search", {}), 422, "werkzeug.exceptions.UnprocessableEntity")
    assert "domain" in body["message"]


def test_a_body_that_is_not_json_is_400(odoo: Any) -> None:
    reply = send(odoo.server, "POST", "/json/2/res.partner/search", b"{nope", {"Authorization": f"bearer {API_KEY}"})
    assert error(reply, 400, "werkzeug.exceptions.BadRequest")["message"].startswith("could not parse the body as json")


def test_business_errors_take_their_http_status_and_roll_back(odoo: Any) -> None:
    empty = odoo.call("account.move", "create", {"move_type": "out_invoice", "partner_id": odoo.partner()})
    with odoo.unchanged():
        body = error(call(odoo, "account.move", "action_post", {"ids": [empty]}), 422, "odoo.exceptions.UserError")
    assert (body["message"], body["arguments"]) == (
        "You need to add a line before posting.",
        ["You need to add a line before posting."],
    )
    body = error(
        call(odoo, "res.partner", "write", {"ids": [99999999], "vals": {"name": "x"}}),
        404,
        "odoo.exceptions.MissingError",
    )
    assert body["message"].startswith("Record does not exist or has been deleted.")


def test_access_rights_are_403(odoo: Any) -> None:
    odoo.server.control.set_full_accounting(False)
    try:
        values = {"journal_id": odoo.journal("BNK1"), "date": "2026-03-04", "payment_ref": "Wire", "amount": 250.0}
        body = error(
            call(odoo, "account.bank.statement.line", "create", {"vals_list": [values]}),
            403,
            "odoo.exceptions.AccessError",
        )
    finally:
        odoo.server.control.set_full_accounting(True)
    assert body["message"].startswith("You are not allowed to create 'Bank Statement Line'")


def test_anything_else_is_500_with_the_traceback(odoo: Any) -> None:
    with odoo.unchanged():
        reply = call(odoo, "account.move", "create", {"vals_list": [{"move_type": "out_invoice", "no_such_field": 1}]})
    body = error(reply, 500, "builtins.ValueError")
    assert body["message"] == "Invalid field 'no_such_field' on model 'account.move'"
    assert body["debug"].startswith("Traceback (most recent call last):")
    assert body["debug"].strip().splitlines()[-1] == "ValueError: Invalid field 'no_such_field' on model 'account.move'"


def test_serialization_failure_is_500_and_writes_nothing(odoo: Any) -> None:
    odoo.server.control.fail_serialization(1)
    with odoo.unchanged():
        body = error(
            call(odoo, "res.partner", "create", {"vals_list": {"name": "Racy"}}),
            500,
            "psycopg2.errors.SerializationFailure",
        )
    assert body["message"] == "could not serialize access due to concurrent update\n"
    assert call(odoo, "res.partner", "create", {"vals_list": {"name": "Racy"}}).status == 200


def test_other_paths_and_verbs_hint_at_the_route(odoo: Any) -> None:
    for verb, path in (("GET", "/json/2/res.partner/search"), ("POST", "/json/2"), ("POST", "/json/2/res.partner")):
        body = error(send(odoo.server, verb, path, {}), 404, "werkzeug.exceptions.NotFound")
        assert body["message"] == "Did you mean POST /json/2/<model>/<method>?"


def test_outage_and_latency_apply(odoo: Any) -> None:
    odoo.server.control.outage(30)
    assert call(odoo, "res.partner", "search_count", {"domain": []}).status == 503
    assert send(odoo.server, "GET", "/web/version").status == 503
    odoo.server.control.outage_off()
    odoo.server.control.set_latency(150)
    started = time.monotonic()
    assert call(odoo, "res.partner", "search_count", {"domain": []}).status == 200
    assert time.monotonic() - started >= 0.15
    before = odoo.server.control.stats()["object_calls"]
    call(odoo, "res.partner", "search_count", {"domain": []})
    assert odoo.server.control.stats()["object_calls"] == before + 1


@pytest.mark.parametrize("scheme", ["bearer", "Bearer", "BEARER"])
def test_the_scheme_is_case_insensitive(odoo: Any, scheme: str) -> None:
    reply = send(
        odoo.server,
        "POST",
        "/json/2/res.partner/search_count",
        {"domain": []},
        {"Authorization": f"{scheme} {API_KEY}"},
    )
    assert reply.status == 200
