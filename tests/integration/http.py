"""Sending events to a live server as a source system would: real HTTP, many threads."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def send(url: str, token: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{url}/api/v1/events/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as err:
        return int(err.code), json.loads(err.read() or b"null")


def send_all(url: str, token: str, bodies: list[Any], threads: int = 16) -> list[tuple[int, Any]]:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda body: send(url, token, body), bodies))


def send_together(url: str, token: str, bodies: list[Any]) -> list[tuple[int, Any, float, float]]:
    """Every body in its own thread, released at once by a barrier: (status, answer, sent, answered)
    per body, in order, the times from time.monotonic()."""
    barrier = threading.Barrier(len(bodies))

    def one(body: Any) -> tuple[int, Any, float, float]:
        barrier.wait()
        sent = time.monotonic()
        status, answer = send(url, token, body)
        return status, answer, sent, time.monotonic()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(one, bodies))


def post_raw(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    """A POST of these exact bytes (a signed webhook body), with these headers."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as err:
        return int(err.code), json.loads(err.read() or b"null")


def post_raw_together(url: str, requests: list[tuple[bytes, dict[str, str]]]) -> list[tuple[int, Any, float, float]]:
    """Every (body, headers) in its own thread, released at once: as send_together."""
    barrier = threading.Barrier(len(requests))

    def one(request: tuple[bytes, dict[str, str]]) -> tuple[int, Any, float, float]:
        barrier.wait()
        sent = time.monotonic()
        status, answer = post_raw(url, *request)
        return status, answer, sent, time.monotonic()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(one, requests))
