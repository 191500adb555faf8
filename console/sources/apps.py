from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "console.sources"
    label = "sources"
    verbose_name = "Sources: webhook endpoints and their deliveries"
