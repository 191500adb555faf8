from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "console.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from console.audit.field_history import register_models

        register_models()
