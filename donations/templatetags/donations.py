from django import template
from django.conf import settings

from donations import tracker

register = template.Library()


@register.inclusion_tag("donations/_banner.html")
def donation_banner():
    """
    The donation banner with the goal tracker, while the current campaign
    runs. Served from the cache: no query once the cache is warm.
    """
    current = tracker.current()
    if current is None or not current.is_running():
        return {"tracker": None}
    return {
        "tracker": current,
        "chosen": current.default_message(),
        "dismiss_days": settings.DONATION_BANNER_DISMISS_DAYS,
    }
