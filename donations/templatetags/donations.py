from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from donations import tracker
from factually.lru import LRU
from factually.pagecache import pieces

register = template.Library()

# The banner's HTML, rendered once per process for each state of the
# tracker (see banner_html()); a few states are enough: they change with
# donations, and an old state is never shown again.
RENDERED_SIZE = 8
_rendered = LRU(RENDERED_SIZE)
# The banner as a piece of every page (factually/pagecache/pieces.py): it
# changes with the tracker's generation, which every banner, campaign or
# donation change bumps.
PIECE = "donation-banner"
pieces.register(PIECE, key=tracker.GENERATION_KEY, render=lambda: banner_piece())


@register.simple_tag(takes_context=True)
def donation_banner(context):
    """
    The donation banner with the goal tracker, while the current campaign
    runs. Served from the cache: no query once the cache is warm, and no
    rendering either once this process has rendered the same state. On a
    page the page cache handles, a hole the banner is joined into as the
    page is served (factually/pagecache/pieces.py), so that a banner or
    campaign change shows on cached pages without retiring them.
    """
    hole = pieces.hole(context.get("request"), PIECE)
    return banner_html() if hole is None else hole


def banner_html():
    """The banner's HTML now."""
    return banner_piece()[1]


def banner_piece():
    """
    The banner as donations/_banner.html renders it now, with the tracker
    generation it was read under (None: the cache cannot say). What it shows is
    the tracker (a generation names each of its states; the tracker is in
    the key as well, so that a value built twice under one generation is
    never mixed up), whether the campaign runs at this moment and which
    matching pledge (if any) runs at this moment, the dismissal
    setting and the language: with those in the key, a kept copy is exactly
    what rendering would give. When the cache cannot name the generation
    (Redis down), every call renders.
    """
    generation, current = tracker.lookup()
    now = timezone.now()
    running = current is not None and current.is_running(now)
    match = current.running_match(now) if running else None
    key = (
        generation,
        current if running else None,
        match.pk if match else None,
        settings.DONATION_BANNER_DISMISS_DAYS,
        translation.get_language(),
    )
    if generation is not None:
        html = _rendered.get(key)
        if html is not None:
            return generation, html
    if running:
        context = {
            "tracker": current,
            "chosen": current.default_message(),
            "match": match,
            "dismiss_days": settings.DONATION_BANNER_DISMISS_DAYS,
        }
    else:
        context = {"tracker": None}
    html = mark_safe(render_to_string("donations/_banner.html", context))
    if generation is not None:
        _rendered.put(key, html)
    return generation, html


@register.filter
def whole_money(minor_units, currency):
    """An amount in minor units in whole units, as the banner writes it: "$5,000"."""
    return tracker.whole_amount(minor_units, currency)
