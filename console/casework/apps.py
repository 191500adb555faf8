from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "console.casework"
    label = "casework"
    verbose_name = "Exception workbench"

    def ready(self) -> None:
        from console.casework.services import opening, retention  # noqa: F401  (connect to sync's signals)
