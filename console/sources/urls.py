from django.urls import path

from console.sources.models import Provider
from console.sources.views import webhook_receive

urlpatterns = [
    path(f"{provider}/<str:code>/", webhook_receive, {"provider": provider}, name=f"webhook-{provider}")
    for provider in Provider.values
]
