from django.urls import path

from console.sync import source_views

urlpatterns = [
    path("", source_views.source_list, name="source-list"),
    path("<str:source_code>/", source_views.source_detail, name="source-detail"),
    path("<str:source_code>/settings/", source_views.source_settings, name="source-settings"),
    path("<str:source_code>/accounts/new/", source_views.account_create, name="source-account-create"),
    # Rotate before revoke: the authorization matrix walks them in this order.
    path(
        "<str:source_code>/accounts/<int:account_id>/rotate/", source_views.account_rotate, name="source-account-rotate"
    ),
    path(
        "<str:source_code>/accounts/<int:account_id>/revoke/", source_views.account_revoke, name="source-account-revoke"
    ),
]
