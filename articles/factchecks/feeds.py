"""
Atom feeds: the latest fact checks (one entry per fact check, updated with
each new version) and the site-wide corrections log.

Entry ids are tag URIs that never change for a fact check, so feed readers
show an update as the same entry, updated; summaries are plain text and
marked as such, so text that looks like markup stays text.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from factually.text import normalise_data

from .changes import with_ratings
from .publications import Publication

FEED_SIZE = 30


def absolute(path: str) -> str:
    """
    An address on the site from SITE_URL: a feed's ids and links are the
    same whatever Host header it was fetched with.
    """
    return settings.SITE_URL.rstrip("/") + str(path)


class PlainTextAtomFeed(Atom1Feed):
    """
    Atom whose summaries are `type="text"`, never HTML, and whose entries
    carry only text XML can hold: text is normalised on its way in, and a
    row stored before that was (or written around it) must not take the
    whole feed down.
    """

    def add_item(self, **kwargs):
        super().add_item(**normalise_data(kwargs))

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def tag_uri(host, publication, specific):
    """A tag URI (RFC 4151) minted once: the host and the first day published."""
    return f"tag:{host},{publication.first_published_at:%Y-%m-%d}:{specific}"


class PublicationFeed(Feed):
    feed_type = PlainTextAtomFeed
    author_name = "Factually"

    def get_object(self, request, *args, **kwargs):
        # The site's own host mints the entries' tag URIs, never the Host
        # header of whoever fetched the feed.
        return urlsplit(settings.SITE_URL).hostname

    def item_title(self, item):
        return item.title

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.authors.all()) or "Factually"

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class LatestFactChecksFeed(PublicationFeed):
    """The latest fact checks, each entry updated when a new version appears."""

    title = _("Factually: latest fact checks")
    subtitle = _("Independent, reader-funded fact checks that show every source.")

    def link(self):
        return absolute(reverse("home"))

    def feed_url(self):
        return absolute(reverse("feed"))

    def items(self, host):
        items = list(
            Publication.objects.live()
            .order_by("-published_at")
            .prefetch_related("topics", "authors")[:FEED_SIZE]
        )
        for item in items:
            item.feed_host = host
        return items

    def item_description(self, item):
        return item.excerpt

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return tag_uri(item.feed_host, item, f"fact-check-{item.article_id}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.published_at


class CorrectionsFeed(PublicationFeed):
    """Every correction, clarification and re-rating, newest first."""

    title = _("Factually: corrections and clarifications")
    subtitle = _(
        "Every correction, clarification and re-rating we have published, with "
        "the ratings each changed."
    )

    def link(self):
        return absolute(reverse("articles:corrections"))

    def feed_url(self):
        return absolute(reverse("articles:corrections_feed"))

    def items(self, host):
        items = list(
            Publication.objects.corrections().prefetch_related("topics", "authors")[
                :FEED_SIZE
            ]
        )
        for item in items:
            item.feed_host = host
        return items

    def item_title(self, item):
        return _("%(kind)s: %(title)s") % {
            "kind": item.get_kind_display(),
            "title": item.title,
        }

    def item_description(self, item):
        return with_ratings(item.note, item.rating_changes())

    def item_link(self, item):
        return absolute(
            reverse(
                "articles:changes", kwargs={"slug": item.slug, "version": item.version}
            )
        )

    def item_guid(self, item):
        return tag_uri(
            item.feed_host, item, f"fact-check-{item.article_id}-v{item.version}"
        )

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # Atom requires it on every entry (RFC 4287, 4.1.2); a correction
        # is never edited, so it was last updated when published.
        return item.published_at
