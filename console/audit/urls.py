from django.urls import path

from console.audit import views

urlpatterns = [
    path("", views.audit_list, name="audit-list"),
    # An object's type and id in the query string: an id is any text (a username typed at the sign-in).
    path("object/", views.audit_object, name="audit-object"),
    path("export.<str:fmt>", views.audit_export_view, name="audit-export"),
    path("verify/", views.audit_verify_view, name="audit-verify"),
]
