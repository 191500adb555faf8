from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "console.ui"
    label = "ui"
    verbose_name = "How pages write money and numbers for the reader"
