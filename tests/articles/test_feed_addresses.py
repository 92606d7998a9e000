"""Feeds' ids and links come from SITE_URL, whatever host they were fetched at."""

import feedparser
from django.test import TestCase, override_settings
from django.urls import reverse

from articles.factchecks.publishing import publish

from .factories import edit_summary, published_article


@override_settings(
    SITE_URL="https://factually.example",
    ALLOWED_HOSTS=["testserver", "evil.test", "factually.test"],
)
class FeedAddressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = published_article()
        edit_summary(cls.article)
        publish(article=cls.article, kind="correction", note="Fixed a figure.")

    def fetch(self, name, host):
        response = self.client.get(reverse(name), HTTP_HOST=host)
        self.assertEqual(response.status_code, 200)
        return feedparser.parse(response.content)

    def test_entry_ids_and_links_do_not_depend_on_the_host_header(self):
        for name in ("feed", "articles:corrections_feed"):
            with self.subTest(feed=name):
                evil = self.fetch(name, "evil.test:8443")
                ours = self.fetch(name, "factually.test")

                self.assertEqual(
                    [(e.id, e.link) for e in evil.entries],
                    [(e.id, e.link) for e in ours.entries],
                )
                self.assertEqual(evil.feed.link, ours.feed.link)
                (entry,) = evil.entries
                self.assertTrue(entry.id.startswith("tag:factually.example,"))
                self.assertTrue(
                    entry.link.startswith("https://factually.example/fact-checks/")
                )
                self.assertTrue(evil.feed.link.startswith("https://factually.example/"))
