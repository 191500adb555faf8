from django.urls import path

from console.dashboard import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("health/", views.healthcheck, name="healthcheck"),
]
