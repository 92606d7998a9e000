"""
A topic's or an author's page is public only while a live fact check names
it, as readers see it; until then, and after the last such fact check is
withdrawn, it answers exactly as a missing address does, and nothing public
lists or links it.
"""

import datetime

import time_machine
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from articles.factchecks.publishing import publish, withdraw
from articles.models import Author, Topic
from factually import pagecache
from factually.frontendcache import path_tag
from tests.articles.factories import (
    AuthorFactory,
    TopicFactory,
    approve_as_is,
    build_article,
    create_about_pages,
    edit_summary,
)

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


def fact_check(*, topic=None, author=None, published_at=None, **fields):
    """An article naming `topic` and `author`, published (at `published_at`)."""
    article = build_article(**fields)
    if topic:
        article.topics.add(topic)
    if author:
        article.authors.add(author)
    approve_as_is(article)
    publish(article=article, kind="first", published_at=published_at)
    return article


@time_machine.travel(NOW, tick=False)
class TopicAndAuthorPageTestCase(TestCase):
    def setUp(self):
        cache.clear()
        self.topic = TopicFactory(name="Elections", slug="elections")
        self.author = AuthorFactory(name="Ada Writer", slug="ada-writer")
        self.urls = [self.topic.get_absolute_url(), self.author.get_absolute_url()]

    def assert_like_missing(self, url):
        """The page answers as an address that never existed, byte for byte."""
        missing_url = (
            "/topics/no-such-topic/"
            if url.startswith("/topics/")
            else "/authors/nobody/"
        )
        missing = self.client.get(missing_url)
        response = self.client.get(url)

        self.assertEqual(missing.status_code, 404)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.content, missing.content)
        for header in ("Content-Type", "Cache-Control"):
            self.assertEqual(response.get(header), missing.get(header), header)
        # Tags alike but for the one naming the address asked for.
        self.assertEqual(
            response["Cache-Tag"].replace(path_tag(url), ""),
            missing["Cache-Tag"].replace(path_tag(missing_url), ""),
        )

    def assert_public(self, url, text):
        response = self.client.get(url)
        self.assertContains(response, text)


class WhenThePagesArePublicTests(TopicAndAuthorPageTestCase):
    def test_unused_topic_and_author_answer_like_a_missing_slug(self):
        for url in self.urls:
            with self.subTest(url=url):
                self.assert_like_missing(url)

    def test_other_capitals_of_an_unused_slug_do_not_redirect(self):
        for url in ("/topics/Elections/", "/authors/Ada-Writer/"):
            with self.subTest(url=url):
                self.assert_like_missing(url)

    def test_a_draft_naming_them_keeps_them_missing(self):
        draft = build_article()
        draft.topics.add(self.topic)
        draft.authors.add(self.author)

        for url in self.urls:
            with self.subTest(url=url):
                self.assert_like_missing(url)

    def test_a_live_fact_check_whose_draft_adds_them_keeps_them_missing(self):
        article = fact_check(title="Fact check: Live without them?")
        article.topics.add(self.topic)
        article.authors.add(self.author)
        edit_summary(article)

        for url in self.urls:
            with self.subTest(url=url):
                self.assert_like_missing(url)

    def test_a_scheduled_fact_check_makes_them_public_at_its_time(self):
        with self.captureOnCommitCallbacks(execute=True):
            fact_check(
                topic=self.topic,
                author=self.author,
                title="Fact check: Scheduled question?",
                published_at=NOW + datetime.timedelta(hours=1),
            )

        for url in self.urls:
            with self.subTest(url=url):
                self.assert_like_missing(url)  # Now in the page cache.
        with time_machine.travel(NOW + datetime.timedelta(hours=1, seconds=1)):
            for url in self.urls:
                with self.subTest(url=url):
                    self.assert_public(url, "Fact check: Scheduled question?")

    def test_publishing_makes_a_cached_missing_page_public_at_once(self):
        for url in self.urls:
            self.assert_like_missing(url)
            self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")

        with self.captureOnCommitCallbacks(execute=True):
            fact_check(
                topic=self.topic, author=self.author, title="Fact check: Now live?"
            )

        for url in self.urls:
            with self.subTest(url=url):
                self.assert_public(url, "Fact check: Now live?")

    def test_withdrawing_the_last_fact_check_naming_them_makes_them_missing(self):
        first = fact_check(topic=self.topic, author=self.author)
        second = fact_check(
            topic=self.topic, author=self.author, title="Fact check: Second one?"
        )
        for url in self.urls:
            self.client.get(url)
            self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")

        with self.captureOnCommitCallbacks(execute=True):
            withdraw(article=first, note="Relied on a forged letter.")
        for url in self.urls:
            with self.subTest(url=url, withdrawn=1):
                self.assert_public(url, "Fact check: Second one?")

        with self.captureOnCommitCallbacks(execute=True):
            withdraw(article=second, note="Relied on the same letter.")
        for url in self.urls:
            with self.subTest(url=url, withdrawn=2):
                self.assert_like_missing(url)

    def test_an_update_that_drops_them_makes_them_missing(self):
        article = fact_check(topic=self.topic, author=self.author)
        article.topics.clear()
        article.authors.clear()
        edit_summary(article)
        approve_as_is(article)

        with self.captureOnCommitCallbacks(execute=True):
            publish(article=article, kind="update", note="Moved it elsewhere.")

        for url in self.urls:
            with self.subTest(url=url):
                self.assert_like_missing(url)

    def test_public_is_what_the_live_publication_names(self):
        fact_check(topic=self.topic, author=self.author)
        TopicFactory(name="Unused")
        AuthorFactory(name="Nobody Yet")

        self.assertQuerySetEqual(Topic.objects.public(), [self.topic])
        self.assertQuerySetEqual(Author.objects.public(), [self.author])


class NothingLinksAMissingPageTests(TopicAndAuthorPageTestCase):
    def setUp(self):
        super().setUp()
        create_about_pages()
        self.unused_topic = TopicFactory(name="Weather", slug="weather")
        self.unused_author = AuthorFactory(name="Bo Newcomer", slug="bo-newcomer")
        # Named by a draft and a scheduled version only: still unused.
        draft = build_article()
        draft.topics.add(self.unused_topic)
        draft.authors.add(self.unused_author)
        fact_check(
            topic=self.unused_topic,
            author=self.unused_author,
            published_at=NOW + datetime.timedelta(days=1),
        )
        fact_check(topic=self.topic, author=self.author)

    def test_topic_list_names_only_public_topics(self):
        response = self.client.get(reverse("articles:topics"))

        self.assertContains(response, 'href="/topics/elections/"')
        self.assertNotContains(response, "/topics/weather/")
        self.assertNotContains(response, "Weather")

    def test_sitemap_lists_only_public_topics_and_authors(self):
        response = self.client.get(reverse("sitemap"))

        self.assertContains(response, "/topics/elections/</loc>")
        self.assertContains(response, "/authors/ada-writer/</loc>")
        self.assertNotContains(response, "/topics/weather/")
        self.assertNotContains(response, "/authors/bo-newcomer/")

    def test_search_filter_offers_only_public_topics(self):
        response = self.client.get(reverse("search"))

        self.assertContains(response, '<option value="elections">Elections</option>')
        self.assertNotContains(response, 'value="weather"')

    def test_search_filtered_by_an_unused_topic_is_refused(self):
        response = self.client.get(reverse("search") + "?topic=weather")

        self.assertEqual(response.status_code, 400)

    def test_team_page_names_an_author_without_a_page_but_does_not_link_them(self):
        response = self.client.get(reverse("team"))

        self.assertContains(response, '<a href="/authors/ada-writer/">Ada Writer</a>')
        self.assertContains(response, "Bo Newcomer")
        self.assertNotContains(response, "/authors/bo-newcomer/")


class ListingQueryCountTests(TopicAndAuthorPageTestCase):
    """Leaving out unused topics and authors costs no query per row."""

    def test_topic_list_sitemap_and_team_page_at_two_sizes(self):
        create_about_pages()
        for count in (2, 8):
            with self.subTest(count=count):
                for _ in range(count):
                    fact_check(topic=TopicFactory(), author=AuthorFactory())
                    TopicFactory()  # Unused.
                    AuthorFactory()  # Unused.
                for url, queries in [
                    # The topics.
                    (reverse("articles:topics"), 1),
                    # Fact checks, topics and authors (the sitemap counts
                    # each section for its index).
                    (reverse("sitemap"), 6),
                    # The page, the authors and their live fact checks, and
                    # the page's public versions.
                    (reverse("team"), 4),
                ]:
                    self.client.get(url)  # Fill the cache the banner reads.
                    with self.captureOnCommitCallbacks(execute=True):
                        pagecache.invalidate(url)
                    with self.assertNumQueries(queries):
                        self.client.get(url)
