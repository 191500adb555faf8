from django.urls import path

from console.reconciliation import views

urlpatterns = [
    path("", views.run_list, name="recon-run-list"),
    path("runs/<int:recon_run_id>/", views.run_detail, name="recon-run-detail"),
    path("runs/<int:recon_run_id>/events/", views.run_events_view, name="recon-run-events"),
    path("runs/<int:recon_run_id>/again/", views.run_again, name="recon-run-again"),
    path("entities/<str:entity_code>/flows/<int:flow_id>/run/", views.run_start, name="recon-run-start"),
    path("cases/<int:case_id>/", views.case_run, name="recon-case-run"),
    path("evidence/", views.evidence, name="recon-evidence"),
]
