from django.urls import path

from console.sync import flow_views

urlpatterns = [
    path("", flow_views.flow_list, name="flow-list"),
    path("<int:flow_id>/", flow_views.flow_detail, name="flow-detail"),
    path("<int:flow_id>/settings/", flow_views.flow_settings, name="flow-settings"),
    # Pause before resume: the authorization matrix walks them in this order.
    path("<int:flow_id>/pause/", flow_views.flow_pause_view, name="flow-pause"),
    path("<int:flow_id>/resume/", flow_views.flow_resume_view, name="flow-resume"),
]
