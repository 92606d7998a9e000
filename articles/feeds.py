from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Publication


class LatestFactChecksFeed(Feed):
    """The latest public changes: new fact checks and updates to them."""

    feed_type = Atom1Feed
    title = "Factually: latest fact checks"
    subtitle = "Independent, reader-funded fact checks that show every source."
    link = reverse_lazy("home")
    feed_url = reverse_lazy("feed")
    author_name = "Factually"

    def items(self):
        return (
            Publication.objects.live()
            .order_by("-published_at")
            .prefetch_related("topics", "authors")[:30]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{item.get_absolute_url()}#v{item.version}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.authors.all()) or "Factually"

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]
