"""What the statement and payroll file pages share: the room where a previewed file waits for its
confirmation, and the release of a hold from a file's page."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest

from console.access.decorators import role_check
from console.access.login_audit import client_ip
from console.audit.actors import Actor
from console.sources.file_forms import HoldReleaseForm
from console.sync.errors import SyncError
from console.sync.models import PostingHold
from console.sync.services.posting_holds import RELEASERS, posting_hold_release


def waiting_room() -> Path:
    """Where a previewed file waits for its confirmation: outside the database, which holds
    nothing of it until the person confirms."""
    room = Path(settings.VAR_DIR) / "uploads"
    room.mkdir(parents=True, exist_ok=True)
    return room


def file_wait(content: bytes, sha256: str) -> None:
    (waiting_room() / sha256).write_bytes(content)


def file_waiting(sha256: str) -> bytes | None:
    """The previewed file of that SHA-256, or None when it is gone or is not those bytes."""
    waiting = waiting_room() / sha256
    content = waiting.read_bytes() if waiting.exists() else b""
    return content if hashlib.sha256(content).hexdigest() == sha256 else None


def file_waited(sha256: str) -> None:
    """The confirmed file leaves the room: the database keeps it now."""
    (waiting_room() / sha256).unlink(missing_ok=True)


def hold_release_from_page(request: HttpRequest, hold: PostingHold | None, *, not_held: str, released: str) -> None:
    """Release `hold` with the reason the page's form gives, saying how it went in a message.
    PermissionDenied (403) for who may not release; the service judges materiality."""
    role_check(request.user, *RELEASERS, doing="releasing a hold")
    form = HoldReleaseForm(request.POST)
    if hold is None or not form.is_valid():
        messages.error(request, "Say why you release it." if hold else not_held)
        return
    try:
        posting_hold_release(
            hold_id=hold.pk,
            user=request.user,
            actor=Actor.person(request.user, client_ip(request)),
            reason=form.cleaned_data["reason"],
        )
    except SyncError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, released)
