from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "console.sync"
    label = "sync"
    verbose_name = "Sync: systems, flows and events posted into Odoo"
