from django.urls import path

from console.casework import bulk_views, cause_views, export_views, resubmit_views, saved_view_views, views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("<int:case_id>/", views.case_detail_view, name="case-detail"),
    path("<int:case_id>/credit-note/", views.case_credit_note_confirm, name="case-credit-note"),
    path("<int:case_id>/resubmit/", resubmit_views.case_resubmit_view, name="case-resubmit"),
    path("<int:case_id>/<str:action>/", views.case_action, name="case-action"),
    path("export.csv", export_views.case_export_csv, name="case-export-csv"),
    path("export.xlsx", export_views.case_export_xlsx, name="case-export-xlsx"),
    path("views/", saved_view_views.saved_view_list, name="saved-view-list"),
    path("views/save/", saved_view_views.saved_view_save, name="saved-view-save"),
    path("views/<int:view_id>/rename/", saved_view_views.saved_view_rename_view, name="saved-view-rename"),
    path("views/<int:view_id>/default/", saved_view_views.saved_view_default_view, name="saved-view-default"),
    path("views/<int:view_id>/delete/", saved_view_views.saved_view_delete_view, name="saved-view-delete"),
    path("causes/", cause_views.cause_list, name="cause-list"),
    path("bulk/", bulk_views.bulk_preview_view, name="bulk-preview"),
    path("bulk/new/", bulk_views.bulk_new, name="bulk-new"),
    path("bulk/<int:run_id>/", bulk_views.bulk_detail, name="bulk-detail"),
    path("bulk/<int:run_id>/run/", bulk_views.bulk_confirm_view, name="bulk-confirm"),
]
