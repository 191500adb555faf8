from django.urls import path

from console.reconciliation.api.views import ControlTotalView

urlpatterns = [
    path("control-totals/", ControlTotalView.as_view(), name="api-control-totals"),
]
