from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "console.access"
    label = "access"
    verbose_name = "Access: people, roles and service accounts"

    def ready(self) -> None:
        from console.access import login_audit, login_throttle, schema  # noqa: F401 - schema registers the token schemes

        login_audit.connect()
        login_throttle.connect()
