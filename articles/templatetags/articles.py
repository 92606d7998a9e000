import json
import string
from datetime import UTC, date, datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# JSON inside <script> must not be able to close the tag or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """Render structured data as an application/ld+json script element."""
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(encoded.translate(_SCRIPT_ESCAPES)),
    )


@register.filter
def letter(number):
    """1 → a, 2 → b …, for telling apart several back-links to one source."""
    letters = string.ascii_lowercase
    number = int(number) - 1
    return letters[number % 26] * (number // 26 + 1)


@register.filter
def iso_date(value):
    """A date stored as ISO text in frozen content, as a date for |date."""
    return date.fromisoformat(value) if value else None


@register.filter
def machine_time(value):
    """A datetime as a valid HTML `<time datetime>`: UTC, to the second."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.simple_tag
def card(publication):
    """A publication's card in a list of fact checks, as rendered when published."""
    from articles.factchecks.prerendered_pages import card

    return mark_safe(card(publication))
