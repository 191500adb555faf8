from django.urls import include, path

from console.sources import file_views

urlpatterns = [
    path("", file_views.file_index, name="file-index"),
    path("payroll/", include("console.sources.payroll_urls")),
    path("upload/", file_views.file_upload, name="file-upload"),
    path("confirm/", file_views.file_confirm, name="file-confirm"),
    path("<int:file_id>/", file_views.file_detail, name="file-detail"),
    path("statements/<int:statement_id>/", file_views.statement_detail, name="statement-detail"),
    path("statements/<int:statement_id>/release/", file_views.statement_release, name="statement-release"),
]
