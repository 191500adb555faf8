from django.urls import path

from console.casework import explorer_views

urlpatterns = [
    path("", explorer_views.event_search, name="event-search"),
    path("<int:event_id>/", explorer_views.event_story_view, name="event-story"),
    path("list/", explorer_views.event_list, name="event-list"),
    path("attempts/", explorer_views.attempt_list, name="attempt-list"),
    path("repeats/", explorer_views.repeat_list, name="repeat-list"),
]
