from django.urls import path

from console.sync.api.views import EventDetailView, EventIngestView

urlpatterns = [
    path("events/", EventIngestView.as_view(), name="api-events-ingest"),
    path("events/<int:event_id>/", EventDetailView.as_view(), name="api-events-detail"),
]
