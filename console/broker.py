"""The embedded default's broker: kombu's filesystem transport, with every message
file whole before a worker can see it and taken by one worker only.

kombu's filesystem channel creates a message's file in the queue folder, then
writes it. A worker listing the folder in between takes an empty file, fails to
decode it and stops (kombu issue #1551), and the message is gone with it. Seen
within a minute of the demo once workers look ten times a second. Here a message
is written to a hidden file and renamed into the queue folder; a worker takes
one by renaming it out of the folder into `processed_folder` on the same disk.
A rename is atomic on POSIX, so a file is either whole in the folder or not
there, and two workers renaming the same file cannot both succeed (kombu moves
it to the system's temporary folder, a copy and a delete when that is another
disk).
"""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

TRANSPORT = "console.broker:Transport"

# Messages a process sends within one millisecond keep their order by this count; the
# uuid alone sorted them at random (a burst of posting messages then went out of order).
_SENT = itertools.count()


def transport_options(folder: Path, *, polling_seconds: float) -> dict[str, object]:
    """The folders under `folder` (created here) and how often an idle worker looks."""
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
        # kombu's default is 1 s, and a worker whose pool is full sleeps that long
        # before it looks again: two pool processes then took at most two messages a
        # second however short the tasks (the demo's queue grew at 120 a minute).
        # A look is a directory listing, so ten a second cost nothing measurable.
        "polling_interval": polling_seconds,
    }


class Channel(filesystem.Channel):
    # (kombu's own stub ignores the same mismatch with the abstract channel's parameter names)
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        # The name sorts by time, then by the process's own order, so a queue stays first
        # in, first out; fixed widths make the names' order the numbers' order.
        name = f"{round(monotonic() * 1000):015d}_{next(_SENT):012d}_{uuid.uuid4()}.{queue}.msg"
        folder = str(self.data_folder_out)
        # A leading dot: kombu's listing reads a name's queue after its first dot, so a
        # file being written is not any queue's message.
        part = os.path.join(folder, f".{name}.part")
        try:
            with open(part, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.rename(part, os.path.join(folder, name))
        except OSError as exc:
            raise ChannelError(f"Cannot add a message to {folder!r}") from exc

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        wanted = f"{queue}.msg"
        folder = str(self.data_folder_in)
        for name in sorted(os.listdir(folder)):
            if name.partition(".")[2] != wanted:
                continue
            taken = os.path.join(str(self.processed_folder), name)
            try:
                os.rename(os.path.join(folder, name), taken)
            except FileNotFoundError:
                continue  # another worker took it first
            try:
                with open(taken, "rb") as handle:
                    payload = handle.read()
            except OSError as exc:
                raise ChannelError(f"Cannot read message {taken!r}") from exc
            if not self.store_processed:
                os.remove(taken)
            return loads(bytes_to_str(payload))
        raise Empty()


# kombu keeps which exchanges and bindings were declared in one state for every filesystem
# connection of a process, and then skips writing a binding to a second folder's control
# table, whose messages are then dropped: one state per folder instead.
_STATES: dict[str, virtual.BrokerState] = {}


class Transport(filesystem.Transport):
    Channel = Channel

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        folder = str(client.transport_options.get("control_folder", ""))
        self.state = _STATES.setdefault(folder, virtual.BrokerState())

    @property
    def default_connection_params(self) -> dict[str, Any]:
        # No host: without this kombu warns on every connection that it "reverts to localhost".
        return {"port": self.default_port, "hostname": ""}
