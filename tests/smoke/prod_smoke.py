"""The traffic and the checks of `make prod-smoke` (scripts/prod_smoke.sh starts the processes).

    prod_smoke.py seed                  the configuration, through the demo's services
    prod_smoke.py run WORKER_PID ...    events over HTTP, a worker killed, everything checked

Run with the production environment of the smoke's env file exported (FINOPS_ENV=production,
PostgreSQL, Redis). `run` sends invoice events through gunicorn in three waves: the first
posts with both workers up; during the second the process group of worker 1 (the main
process and its pool) is killed with SIGKILL while it posts; the third arrives with one
worker left. Then every event must read `posted` through the API, the database must hold
no event in any other state, the Odoo sandbox must hold exactly one posted account.move per
event with the event's marker (ref `shopify/<external_id>`), and every event exactly one
successful posting attempt: nothing lost, nothing posted twice.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.factories import invoice_event

WAVE_EVENTS = (200, 400, 200)
PER_REQUEST = 20
SECOND_WAVE_PAUSE_SECONDS = 0.05  # between its requests: the stream is still arriving when the worker dies
DRAIN_TIMEOUT_SECONDS = 90.0
ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD = "sandbox", "admin", "admin"


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    import django

    django.setup()


# --- seed ------------------------------------------------------------------------


def seed() -> None:
    """Entity, sources, flows, mappings resolved against the sandbox and a service account, by
    the services seed_demo calls (the command itself refuses FINOPS_ENV=production, rightly:
    its users have a known password; here the password is random and never shown)."""
    import secrets

    django_setup()
    from django.contrib.auth.models import Group

    from console.access.roles import ROLE_GROUPS
    from console.sync.services.demo import demo_seed

    for group in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=group)
    report = demo_seed(password=secrets.token_urlsafe(24))
    print(f"seed: {sum(1 for line in report if line.startswith('mapping'))} mappings, service account and flows")


# --- HTTP, as a source system behind nginx ----------------------------------------


READY_TIMEOUT_SECONDS = 30.0


def request(
    url: str, *, token: str = "", body: Any = None, method: str = "GET", timeout: float = 30.0
) -> tuple[int, Any]:
    headers = {"X-Forwarded-Proto": "https"}  # what nginx sets: TLS ended there
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            raw = response.read()
            status = int(response.status)
    except urllib.error.HTTPError as err:
        raw = err.read()
        status = int(err.code)
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw[:200]


def send_wave(web: str, token: str, ids: list[str], pause: float = 0.0) -> list[int]:
    """POST the events of `ids`, PER_REQUEST a request; returns the event ids the API gave."""
    event_ids: list[int] = []
    for start in range(0, len(ids), PER_REQUEST):
        chunk = ids[start : start + PER_REQUEST]
        status, answer = request(
            f"{web}/api/v1/events/", token=token, body={"events": [invoice_event(x) for x in chunk]}, method="POST"
        )
        if status != 201 or answer["created"] != len(chunk):
            raise SystemExit(f"prod-smoke: ingest answered {status}: {str(answer)[:300]}")
        event_ids.extend(int(result["event_id"]) for result in answer["results"])
        if pause:
            time.sleep(pause)
    return event_ids


# --- checks ---------------------------------------------------------------------------


def states(prefix: str) -> dict[str, int]:
    from django.db.models import Count

    from console.sync.models import SyncEvent

    rows = SyncEvent.objects.filter(external_id__startswith=prefix).values_list("state").annotate(n=Count("id"))
    return {state: n for state, n in rows}


def wait_posted(prefix: str, count: int, timeout: float) -> float:
    started = time.monotonic()
    while True:
        now = states(prefix)
        if now.get("posted", 0) == count:
            return time.monotonic() - started
        if any(now.get(bad) for bad in ("failed", "blocked", "dismissed")):
            raise SystemExit(f"prod-smoke: events ended outside `posted`: {now}")
        if time.monotonic() - started > timeout:
            raise SystemExit(f"prod-smoke: after {timeout:.0f} s only {now} of {count} events")
        time.sleep(0.25)


def odoo_count(odoo: str, domain: list[Any]) -> int:
    uid = xmlrpc.client.ServerProxy(f"{odoo}/xmlrpc/2/common").authenticate(ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD, {})
    proxy = xmlrpc.client.ServerProxy(f"{odoo}/xmlrpc/2/object", allow_none=True)
    return int(proxy.execute_kw(ODOO_DB, uid, ODOO_PASSWORD, "account.move", "search_count", [domain]))  # type: ignore[arg-type]


def api_states(web: str, token: str, event_ids: list[int]) -> dict[str, int]:
    def one(event_id: int) -> str:
        status, answer = request(f"{web}/api/v1/events/{event_id}/", token=token)
        return str(answer["state"]) if status == 200 else f"HTTP {status}"

    tally: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=8) as pool:
        for state in pool.map(one, event_ids):
            tally[state] = tally.get(state, 0) + 1
    return tally


def ready_check(web: str) -> None:
    """Every dependency up, every check "ok" (not merely "degraded"): the beat and a worker have
    answered their heartbeat (HEARTBEAT_INTERVAL_SECONDS, set short by prod_smoke.sh)."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        status, body = request(f"{web}/health/ready")
        if status == 200 and isinstance(body, dict) and body.get("status") == "ok":
            print(f"/health/ready: ok, {', '.join(sorted(body.get('checks', {})))}")
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"prod-smoke: /health/ready answered {status} {body}")
        time.sleep(1)


def run(web: str, odoo: str, victim_pid: int) -> None:
    django_setup()
    from django.conf import settings
    from django.db.models import Count

    from console.sync.models import PostingAttempt, PostingOutcome
    from console.sync.services.demo import demo_token_path

    assert settings.PRODUCTION, "prod-smoke runs with FINOPS_ENV=production"
    token = Path(demo_token_path()).read_text().strip()
    status, _ = request(f"{web}/health/live")
    if status != 200:
        raise SystemExit(f"prod-smoke: /health/live answered {status}")
    status, _ = request(f"{web}/accounts/login/")
    if status != 200:
        raise SystemExit(f"prod-smoke: the sign-in page answered {status} (collectstatic's manifest?)")

    prefix = f"smoke-{int(time.time())}-"
    total = sum(WAVE_EVENTS)
    names = [f"{prefix}{i:05d}" for i in range(total)]
    first, second, third = names[:200], names[200:600], names[600:]
    started = time.monotonic()
    event_ids = send_wave(web, token, first)
    first_seconds = wait_posted(prefix, len(first), DRAIN_TIMEOUT_SECONDS)
    print(f"wave 1: {len(first)} events sent and posted in {time.monotonic() - started:.1f} s, both workers up")
    ready_check(web)

    sent_second: list[int] = []
    sender = threading.Thread(
        target=lambda: sent_second.extend(send_wave(web, token, second, SECOND_WAVE_PAUSE_SECONDS))
    )
    sender.start()
    # Kill while worker 1 holds claims: events in `posting` and attempts of its own recorded.
    victim_name = "worker-1@"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        in_hand = states(prefix).get("posting", 0)
        mine = PostingAttempt.objects.filter(event__external_id__in=second, worker__startswith=victim_name).exists()
        if in_hand and mine:
            break
        time.sleep(0.05)
    else:
        raise SystemExit("prod-smoke: worker 1 never took part in the second wave")
    os.killpg(victim_pid, signal.SIGKILL)
    killed_at = states(prefix)
    print(f"wave 2: worker 1 (process group {victim_pid}) killed with SIGKILL mid-stream; at that moment {killed_at}")
    sender.join()
    event_ids += sent_second
    event_ids += send_wave(web, token, third)
    print(f"wave 3: {len(third)} more events sent with one worker left")
    drain = wait_posted(prefix, total, DRAIN_TIMEOUT_SECONDS)
    print(f"all {total} events posted {drain:.1f} s after the last was sent ({first_seconds:.1f} s for wave 1)")

    api = api_states(web, token, event_ids)
    if api != {"posted": total}:
        raise SystemExit(f"prod-smoke: the API reads {api} for the {total} events")
    marker = [["ref", "like", f"shopify/{prefix}"]]
    moves = odoo_count(odoo, marker)
    moves_posted = odoo_count(odoo, [*marker, ["state", "=", "posted"]])
    if not moves == moves_posted == total:
        raise SystemExit(
            f"prod-smoke: {total} events, {moves} account.move with their marker in Odoo, {moves_posted} posted"
        )
    attempts = PostingAttempt.objects.filter(event__external_id__startswith=prefix)
    success = attempts.filter(outcome__in=[PostingOutcome.POSTED, PostingOutcome.ALREADY_POSTED])
    twice = success.values("event_id").annotate(n=Count("id")).filter(n__gt=1).count()
    if success.count() != total or twice:
        raise SystemExit(f"prod-smoke: {success.count()} successful attempts for {total} events, {twice} twice")
    by_worker = dict(
        success.values_list("worker").annotate(n=Count("id")).order_by("worker").values_list("worker", "n")
    )
    recovered = success.filter(outcome=PostingOutcome.ALREADY_POSTED).count()
    print(f"API: {total} of {total} events read `posted`; database: {states(prefix)}")
    print(f"Odoo sandbox: {moves} account.move with ref like 'shopify/{prefix}', {moves_posted} posted: exactly once")
    print(f"successful attempts by worker: {by_worker}; found already posted in Odoo after the kill: {recovered}")


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "seed":
        seed()
    elif len(sys.argv) == 5 and sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit("usage: prod_smoke.py seed | run WEB_URL ODOO_URL WORKER1_PID")


if __name__ == "__main__":
    main()
