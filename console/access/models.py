from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person using the console. Roles are groups; entities are object permissions."""

    time_zone = models.CharField(max_length=64, default="UTC", help_text="Shown times use this zone.")


class ServiceAccount(models.Model):
    """A machine that ingests events for its source systems and legal entities; never a person.
    An event is accepted, and read back, only when both its source and its entity are the account's."""

    name = models.CharField(max_length=100, unique=True)
    sources = models.ManyToManyField("sync.SourceSystem", related_name="service_accounts")
    entities = models.ManyToManyField("sync.LegalEntity", related_name="service_accounts")
    token_digest = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token.")
    is_active = models.BooleanField(default=True)
    # A rotation keeps the replaced token working until previous_token_expires_at, so the
    # system sending with it can be moved to the new one without an outage; a revocation
    # (is_active false) stops both at once.
    previous_token_digest = models.CharField(max_length=64, blank=True, default="", db_default="", db_index=True)
    previous_token_expires_at = models.DateTimeField(null=True, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class PersonalToken(models.Model):
    """A person's API token; it acts with that person's roles and entities."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    token_digest = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} {self.token_prefix}…"
