from __future__ import annotations

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models

code_validator = RegexValidator(r"^[A-Za-z0-9_.-]{1,32}$", "Use 1-32 letters, digits, '_', '.' or '-'.")


class ConnectionProtocol(models.TextChoices):
    XMLRPC = "xmlrpc", "XML-RPC (Odoo 17, 18)"
    JSON2 = "json2", "JSON-2 (Odoo 19+)"


class OdooConnection(models.Model):
    """One Odoo database reached through its external API (`protocol`).

    The password or API key is never stored: `password_env` names the
    environment variable (or NAME_FILE) that holds it on the workers.
    """

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(max_length=300)
    database = models.CharField(max_length=100)
    login = models.CharField(max_length=200)
    password_env = models.CharField(
        max_length=100, help_text="Name of the environment variable holding the password or API key."
    )
    timeout_seconds = models.PositiveIntegerField(default=60)
    protocol = models.CharField(max_length=8, choices=ConnectionProtocol.choices, default=ConnectionProtocol.XMLRPC)

    def __str__(self) -> str:
        return self.name


class LegalEntity(models.Model):
    """A company of the group; maps to one Odoo company on one connection."""

    code = models.CharField(max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    odoo_company_id = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, help_text="ISO 4217 code of the company currency.")
    connection = models.ForeignKey(
        OdooConnection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Empty: the default connection from ODOO_URL/ODOO_DB/ODOO_LOGIN/ODOO_PASSWORD.",
    )
    materiality_threshold = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("10000.00"))

    class Meta:
        verbose_name_plural = "legal entities"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
