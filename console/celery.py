"""The Celery application; tasks live in each app's tasks.py."""

import logging.config
import math
import os
from pathlib import Path
from typing import Any

from celery import Celery, signals

from console.env import env_str

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

app = Celery("console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _django_logging(**_: Any) -> None:
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


# With LOG_FORMAT=json a worker's and the beat's lines are the settings' JSON lines, not
# Celery's own format (connecting setup_logging tells Celery to leave logging to us); the text
# default keeps Celery's lines as they were.
if env_str("LOG_FORMAT", "text") == "json":
    signals.setup_logging.connect(_django_logging, weak=False)


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


def broker_reachable(*, timeout: float) -> bool:
    """The broker answers: Redis accepts a connection and a command within `timeout`; the
    embedded broker's folders exist and can be written."""
    from kombu.exceptions import ChannelError

    folder = app.conf.broker_transport_options.get("data_folder_in")
    if app.conf.broker_url == "filesystem://" and folder:
        queue = Path(str(folder))
        return queue.is_dir() and os.access(queue, os.W_OK | os.X_OK)
    with app.connection_for_read(connect_timeout=timeout) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=math.ceil(timeout))
        channel: Any = connection.channel()
        try:
            channel.queue_declare(queue=app.conf.task_default_queue, passive=True)
        except ChannelError:
            pass  # Redis drops an empty queue's key: it answered, which is all this asks
    return True
