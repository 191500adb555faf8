from django.urls import path

from console.sync import config_views

urlpatterns = [
    path("entities/", config_views.entity_list, name="config-entities"),
    path("entities/<int:entity_id>/", config_views.entity_detail, name="config-entity"),
    path("entities/<int:entity_id>/settings/", config_views.entity_settings, name="config-entity-settings"),
    path("entities/<int:entity_id>/threshold/", config_views.entity_threshold, name="config-entity-threshold"),
    path("thresholds/<int:threshold_change_id>/decide/", config_views.threshold_decide, name="config-threshold-decide"),
    path("connections/", config_views.connection_list, name="config-connections"),
    path("connections/new/", config_views.connection_new, name="config-connection-new"),
    path("connections/<int:connection_id>/", config_views.connection_detail, name="config-connection"),
    path("connections/<int:connection_id>/change/", config_views.connection_change, name="config-connection-change"),
    path("connections/<int:connection_id>/test/", config_views.connection_test, name="config-connection-test"),
    path(
        "connection-changes/<int:connection_change_id>/decide/",
        config_views.connection_decide,
        name="config-connection-decide",
    ),
    path("approvals/", config_views.approvals, name="config-approvals"),
]
