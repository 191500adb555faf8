"""People, service accounts and their tokens in the Django admin, for diagnosis (the site is
read-only, console/readonly_admin.py). A person's roles and entities change on the people page
(user_access_set: an integration admin, a reason, one audit row); passwords with
`manage.py changepassword`; lockouts are lifted with `manage.py axes_reset*`, which record it."""

from __future__ import annotations

from django.contrib import admin

from console.access.models import PersonalToken, ServiceAccount, User
from console.readonly_admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin[User]):
    list_display = ("username", "email", "is_active", "is_staff", "is_superuser", "last_login", "time_zone")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "email")
    exclude = ("password",)


@admin.register(ServiceAccount)
class ServiceAccountAdmin(ReadOnlyAdmin[ServiceAccount]):
    list_display = ("name", "token_prefix", "is_active", "created_at", "last_used_at", "previous_token_expires_at")
    # The replaced token's digest too: it still signs in during its grace.
    exclude = ("token_digest", "previous_token_digest")


@admin.register(PersonalToken)
class PersonalTokenAdmin(ReadOnlyAdmin[PersonalToken]):
    list_display = ("user", "token_prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("token_digest",)
    list_select_related = ("user",)
