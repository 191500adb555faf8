from django.urls import path

from console.casework import explorer_views

urlpatterns = [
    path("", explorer_views.event_search, name="event-search"),
    path("<int:event_id>/", explorer_views.event_story_view, name="event-story"),
]
