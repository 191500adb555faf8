from django.urls import path

from console.casework import views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("<int:case_id>/", views.case_detail_view, name="case-detail"),
    path("<int:case_id>/<str:action>/", views.case_action, name="case-action"),
]
