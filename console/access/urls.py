from django.urls import path

from console.access import preference_views, views

urlpatterns = [
    path("me/", preference_views.my_settings, name="my-settings"),
    path("people/", views.people_list, name="people-list"),
    path("people/new/", views.person_add, name="person-add"),
    path("people/<int:user_id>/", views.person_access, name="person-access"),
    path("people/<int:user_id>/deactivate/", views.person_deactivate_view, name="person-deactivate"),
]
