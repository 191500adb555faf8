"""The Celery application; tasks live in each app's tasks.py."""

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

app = Celery("console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def queue_depths() -> dict[str, int]:
    """Messages waiting in each queue the workers consume (not those a worker already holds)."""
    from kombu.exceptions import ChannelError

    depths: dict[str, int] = {}
    with app.connection_for_read() as connection:
        channel: Any = connection.default_channel  # a virtual or Redis channel: both declare passively
        for name in app.amqp.queues:
            try:
                depths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
            except ChannelError:
                depths[name] = 0  # Redis drops an empty queue's key: nothing waits
    return depths
