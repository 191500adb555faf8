from django.urls import path

from console.audit import views

urlpatterns = [
    path("", views.audit_list, name="audit-list"),
    path("object/<str:object_type>/<str:object_id>/", views.audit_object, name="audit-object"),
    path("export.<str:fmt>", views.audit_export_view, name="audit-export"),
]
