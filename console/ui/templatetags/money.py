"""`{{ amount|money:currency }}`: money as the reader's locale writes it (a builtin of every
template, settings.TEMPLATES)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from console.ui.money import money_text

register = template.Library()


@register.filter
def money(amount: Decimal | int | str | None, currency: str) -> str:
    return money_text(amount, currency)
