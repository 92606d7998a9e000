"""Share links and social preview tags for a fact check's page."""

from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext as _

from articles.factchecks.prerendered_pages import absolute

register = template.Library()


@register.simple_tag
def share_links(url, title):
    """Plain links to share `url`: no third-party script, nothing loaded."""
    text = f"{title} {url}"
    return [
        {
            "name": "email",
            "label": _("Email"),
            "href": "mailto:?"
            + urlencode({"subject": title, "body": url}, quote_via=_quote),
        },
        {
            "name": "bluesky",
            "label": "Bluesky",
            "href": "https://bsky.app/intent/compose?" + urlencode({"text": text}),
        },
        {
            "name": "mastodon",
            "label": "Mastodon",
            "href": "https://mastodonshare.com/?"
            + urlencode({"text": title, "url": url}),
        },
        {
            "name": "x",
            "label": "X",
            "href": "https://x.com/intent/post?"
            + urlencode({"text": title, "url": url}),
        },
        {
            "name": "facebook",
            "label": "Facebook",
            "href": "https://www.facebook.com/sharer/sharer.php?"
            + urlencode({"u": url}),
        },
    ]


def _quote(value, safe="", encoding=None, errors=None):
    # mailto: wants %20 for spaces, not "+".
    from urllib.parse import quote

    return quote(value, safe=safe, encoding=encoding, errors=errors)


@register.inclusion_tag("articles/_social_meta.html")
def social_meta(publication):
    """
    og:image and a large-image card when the publication has a card. Part of
    the head rendered once at publish time, so the address is SITE_URL's.
    """
    card = publication.social_card
    return {
        "image_url": absolute(card.url) if card else "",
        "title": publication.title,
    }
