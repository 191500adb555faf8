from django.urls import path

from console.mappings.api import views

urlpatterns = [
    path("mappings/", views.MappingListView.as_view(), name="api-mappings"),
    path("mapping-changes/", views.ChangeListView.as_view(), name="api-mapping-changes"),
    path("mapping-changes/<int:request_id>/", views.ChangeDetailView.as_view(), name="api-mapping-change"),
    path("mapping-changes/<int:request_id>/submit/", views.ChangeSubmitView.as_view(), name="api-mapping-submit"),
    path("mapping-changes/<int:request_id>/approve/", views.ChangeApproveView.as_view(), name="api-mapping-approve"),
    path("mapping-changes/<int:request_id>/reject/", views.ChangeRejectView.as_view(), name="api-mapping-reject"),
]
