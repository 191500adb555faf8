from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from console.access.forms import SignInForm
from console.access.invitation_views import InvitationAcceptView
from console.sync.api.views import api_not_found

urlpatterns = [
    # First: the providers' deliveries are the busiest requests, and every pattern tried before
    # theirs (the dashboard's, at "") costs each of them.
    path("webhooks/", include("console.sources.urls")),
    path("", include("console.dashboard.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/invitation/<uidb64>/<token>/", InvitationAcceptView.as_view(), name="invitation-accept"),
    path("audit/", include("console.audit.urls")),
    path("cases/", include("console.casework.urls")),
    path("approvals/", include("console.casework.approval_urls")),
    path("events/", include("console.casework.explorer_urls")),
    path("access/", include("console.access.urls")),
    path("mappings/", include("console.mappings.urls")),
    path("api/v1/", include("console.sync.api.urls")),
    path("api/v1/", include("console.mappings.api.urls")),
    path("api/v1/", include("console.reconciliation.api.urls")),
    path("deliveries/", include("console.sources.log_urls")),
    path("files/", include("console.sources.file_urls")),
    path("flows/", include("console.sync.flow_urls")),
    path("close/", include("console.reconciliation.close_urls")),
    path("reconciliation/", include("console.reconciliation.urls")),
    path("config/sources/", include("console.sync.source_urls")),
    path("config/", include("console.sync.config_urls")),
    path("reconciliation/", include("console.reconciliation.urls_matching")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    re_path(r"^api/", api_not_found, name="api-not-found"),  # JSON, never the HTML page
    path("admin/", admin.site.urls),
]
