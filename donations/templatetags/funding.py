from django import template

from donations.models import format_amount

register = template.Library()


@register.filter
def money(amount, currency):
    """An amount in minor units as readers read it: `{{ 2500|money:"USD" }}`."""
    return format_amount(amount, currency)
