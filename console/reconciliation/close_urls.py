from django.urls import path

from console.reconciliation import close_views

urlpatterns = [
    path("", close_views.close_start, name="close-start"),
    path("<str:entity_code>/<str:period>/", close_views.close_period, name="close-period"),
    path("<str:entity_code>/<str:period>/<str:figure>/", close_views.close_list, name="close-list"),
]
