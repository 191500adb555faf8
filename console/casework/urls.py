from django.urls import path

from console.casework import bulk_views, cause_views, views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("<int:case_id>/", views.case_detail_view, name="case-detail"),
    path("<int:case_id>/credit-note/", views.case_credit_note_confirm, name="case-credit-note"),
    path("<int:case_id>/<str:action>/", views.case_action, name="case-action"),
    path("causes/", cause_views.cause_list, name="cause-list"),
    path("bulk/", bulk_views.bulk_preview_view, name="bulk-preview"),
    path("bulk/new/", bulk_views.bulk_new, name="bulk-new"),
    path("bulk/<int:run_id>/", bulk_views.bulk_detail, name="bulk-detail"),
    path("bulk/<int:run_id>/run/", bulk_views.bulk_confirm_view, name="bulk-confirm"),
]
