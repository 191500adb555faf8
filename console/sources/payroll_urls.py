from django.urls import path

from console.sources import payroll_views

urlpatterns = [
    path("", payroll_views.payroll_index, name="payroll-index"),
    path("upload/", payroll_views.payroll_upload, name="payroll-upload"),
    path("confirm/", payroll_views.payroll_confirm, name="payroll-confirm"),
    path("<int:payroll_file_id>/", payroll_views.payroll_detail, name="payroll-detail"),
    path("runs/<int:payrun_id>/release/", payroll_views.payrun_release, name="payrun-release"),
]
