from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "console.operations"
    label = "operations"
    verbose_name = "Operations: health, metrics, logs"

    def ready(self) -> None:
        # Celery's signals, connected here rather than as an import's side effect: every
        # process that loads the apps (web, worker, beat) gets them once.
        from console.operations import heartbeat, task_log

        heartbeat.connect()
        task_log.connect()
