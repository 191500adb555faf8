from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "console.reconciliation"
    label = "reconciliation"
    verbose_name = "Reconciliation: completeness against the source and Odoo, cross-source matching, close"
