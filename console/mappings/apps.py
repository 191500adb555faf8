from django.apps import AppConfig


class MappingsConfig(AppConfig):
    name = "console.mappings"
    label = "mappings"
    verbose_name = "Mappings: source codes to Odoo records"
