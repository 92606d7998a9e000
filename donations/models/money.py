"""Currencies and amounts: every amount is kept in minor units (cents)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

# Every accepted Currency has two decimal places: cents, pence, rappen.
MINOR_DIGITS = 2


class Currency(models.TextChoices):
    """
    Currencies accepted, all with two decimal places, so an amount in minor
    units is always cents (or pence) and `amount / 100` is the major amount.
    """

    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    GBP = "GBP", _("Pound sterling")
    CAD = "CAD", _("Canadian dollar")
    AUD = "AUD", _("Australian dollar")
    NZD = "NZD", _("New Zealand dollar")
    CHF = "CHF", _("Swiss franc")


def format_amount(amount, currency):
    """An amount in minor units, shown in major units: "1,025.00 USD"."""
    return f"{Decimal(amount) / 100:,.2f} {currency}"
