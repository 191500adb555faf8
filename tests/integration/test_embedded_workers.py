"""The workers `make demo` starts (scripts/workers.sh) on the embedded filesystem broker run a
task of every queue: posting messages, a person's bulk run, and the beat's periodic sweeper.

The workers are real processes on the embedded broker in a folder of this test, with the test's
PostgreSQL database (the test process itself sends through Redis, which nobody consumes here:
what a worker does is only what came through the embedded broker).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from kombu import Connection

from console import broker
from console.access.models import User
from console.audit.actors import Actor
from console.casework.models import BulkRun, BulkState, ExceptionCase
from console.casework.services.bulk import bulk_confirm, bulk_preview
from console.casework.tasks import bulk_run
from console.sync.models import EventState, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.tasks import post_events
from tests.factories import invoice_event, with_data
from tests.integration.conftest import ROOT, Workers, wait_until
from tests.integration.http import send

pytestmark = pytest.mark.django_db(transaction=True)


class EmbeddedWorkers(Workers):
    """scripts/workers.sh's two workers, as the demo starts them, on a broker folder of the test."""

    def env(self) -> dict[str, str]:
        env = super().env()
        del env["CELERY_BROKER_URL"]  # the embedded default
        env.update(
            SWEEP_STALE_QUEUED_SECONDS="600",  # only the event made to look lost is swept
            FINOPS_POSTING_CONCURRENCY="2",
            FINOPS_WORKER_LOGLEVEL="WARNING",
        )
        return env

    def start_role(self, role: str) -> None:
        self.procs.append(
            subprocess.Popen(
                ["bash", str(ROOT / "scripts" / "workers.sh"), role],
                cwd=ROOT,
                env=self.env(),
                stdout=(self.tmp / f"w-{role}.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    @property
    def options(self) -> dict[str, object]:
        return broker.transport_options(self.tmp / "broker", polling_seconds=0.1)

    def ready(self) -> bool:
        """Each worker declared and bound its queues in the broker's control folder."""
        control = Path(str(self.options["control_folder"]))
        return all((control / f"{name}.exchange").exists() for name in ("posting", "bulk", "default"))

    def send(self, task: Any, *args: Any) -> None:
        """Send as the console would, through the embedded broker these workers use."""
        with Connection("filesystem://", transport=broker.TRANSPORT, transport_options=self.options) as conn:
            task.apply_async(args=args, connection=conn)


@pytest.fixture
def embedded_workers(tmp_path: Path, sandbox: Any) -> Iterator[EmbeddedWorkers]:
    workers = EmbeddedWorkers(tmp_path, sandbox.url)
    try:
        workers.start_role("posting")
        workers.start_role("control")
        wait_until(workers.ready, timeout=60, what="the demo's workers up on the embedded broker")
        yield workers
    finally:
        workers.stop_all()


def test_the_demo_workers_run_a_task_of_every_queue(
    configured: dict[str, Any], live_server: Any, embedded_workers: EmbeddedWorkers
) -> None:
    token = configured["token"]
    # bulk: a person retries the case of an event that needs attention (posted here, first,
    # so the workers' events below are posted by the workers alone).
    unmapped = with_data(invoice_event("vat-1"), lines=[{**invoice_event()["data"]["lines"][0], "tax_code": "VAT20"}])
    send(live_server.url, token, unmapped)
    events_drain()
    olivia = User.objects.get(username="olivia")
    run = bulk_preview(user=olivia, action="retry", cases=ExceptionCase.objects.all(), filter_query="")
    bulk_confirm(user=olivia, run_id=run.pk, actor=Actor.person(olivia, "127.0.0.1"))
    embedded_workers.send(bulk_run, run.pk)
    # posting: a message names a fresh event.
    _, sent = send(live_server.url, token, invoice_event("sent-1"))
    embedded_workers.send(post_events, [sent["event_id"]])
    # default, from the beat: an event whose message was lost is swept and sent again.
    _, lost = send(live_server.url, token, invoice_event("lost-1"))
    SyncEvent.objects.filter(pk=lost["event_id"]).update(enqueued_at=timezone.now() - timedelta(hours=1))

    def posted(event_id: int) -> bool:
        return SyncEvent.objects.get(pk=event_id).state == EventState.POSTED

    try:
        wait_until(lambda: BulkRun.objects.get(pk=run.pk).state == BulkState.DONE, timeout=60, what="the bulk run")
        wait_until(lambda: posted(sent["event_id"]), timeout=60, what="the posting message posted")
        wait_until(lambda: posted(lost["event_id"]), timeout=60, what="the swept event posted")
    except AssertionError as err:
        raise AssertionError(f"{err}\n{embedded_workers.logs()}") from err
    done = BulkRun.objects.get(pk=run.pk)
    assert (done.total, done.processed, done.succeeded) == (1, 1, 1)
