from django.urls import path

from console.access import views

urlpatterns = [
    path("people/", views.people_list, name="people-list"),
    path("people/<int:user_id>/", views.person_access, name="person-access"),
]
