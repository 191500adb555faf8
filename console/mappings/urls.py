from django.urls import path

from console.mappings import views

urlpatterns = [
    path("", views.mapping_index, name="mapping-index"),
    path("changes/", views.change_list, name="mapping-changes"),
    path("changes/<int:request_id>/", views.change_detail, name="mapping-change"),
    path("changes/<int:request_id>/<str:action>/", views.change_action, name="mapping-change-action"),
    path("<str:entity_code>/<str:kind>/", views.mapping_kind, name="mapping-kind"),
    path("<str:entity_code>/<str:kind>/history/", views.mapping_history_view, name="mapping-history"),
    path("<str:entity_code>/<str:kind>/refresh/", views.reference_refresh_view, name="mapping-refresh"),
    path("<str:entity_code>/<str:kind>/export.csv", views.mapping_export_view, name="mapping-export"),
    path("<str:entity_code>/<str:kind>/import/", views.mapping_import_view, name="mapping-import"),
    path("<str:entity_code>/<str:kind>/propose/", views.mapping_propose, name="mapping-propose"),
]
