from django.urls import path

from console.casework import approval_views

urlpatterns = [
    path("", approval_views.approvals_inbox_view, name="approvals-inbox"),
]
