from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Author, Topic
from .publications import Publication


class FactCheckSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Publication.objects.live().order_by("-first_published_at", "-pk")

    def lastmod(self, item):
        return item.published_at


class TopicSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return Topic.objects.public()


class AuthorSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return Author.objects.public()


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return ["home", "methodology", "corrections", "funding", "team"]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "fact-checks": FactCheckSitemap,
    "topics": TopicSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}
