"""
A cache miss on an article page joins a kept frame with the article's own
HTML (articles/frames.py): the same bytes the template renders, and a
banner, campaign or count change shows on the next miss.
"""

import datetime

import time_machine
from django.db import connection
from django.shortcuts import render
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext

from articles.factchecks import article_page_frames as frames
from articles.factchecks import article_page_query as page_query
from articles.factchecks.publishing import publish, withdraw
from articles.models import Publication
from donations import tracker
from factually import pagecache
from factually.lru import LRU
from tests.articles.factories import (
    approve_as_is,
    edit_summary,
    published_article,
)
from tests.donations.factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
)
from tests.roles import create_roles, staff


def rendered_by_template(publication):
    """The page as the template renders it, with nothing kept."""
    request = RequestFactory().get(publication.get_absolute_url())
    response = render(request, frames.TEMPLATE, frames.context(publication))
    return response.content


class FrameTests(TestCase):
    def setUp(self):
        self.campaign = CampaignFactory(is_current=True, goal=1000)
        self.message = BannerMessageFactory(
            campaign=self.campaign, headline="Keep us going"
        )
        DonationFactory.create_batch(2)
        self.first = published_article(
            slug="first",
            title='Fact check: Did <b>"Tom" & Jerry</b> say it?',
            summary="It's <not> what they said & more.",
        )
        self.second = published_article(
            slug="second", title="Fact check: Another question?", sections=6
        )
        self.misses = 0
        frames._frames.clear()

    def miss(self, slug):
        """The article page as a reader without a session gets it, uncached."""
        self.misses += 1
        # Retire the cached page, as an invalidation of its path would.
        pagecache.committed(paths=[f"/fact-checks/{slug}/"])
        response = self.client.get(f"/fact-checks/{slug}/")
        self.assertEqual(response["X-Page-Cache"], "miss")
        return response

    def current(self, slug):
        return Publication.objects.current().get(slug=slug)

    def test_a_miss_gives_the_bytes_the_template_renders(self):
        for slug in ("first", "second", "first"):
            with self.subTest(slug=slug):
                response = self.miss(slug)

                self.assertEqual(
                    response.content, rendered_by_template(self.current(slug))
                )
                self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        # The title and the excerpt are escaped as the template escapes them.
        self.assertContains(
            response,
            "<title>Fact check: Did &lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;"
            " say it? · Factually</title>",
        )
        # One frame served all three pages.
        self.assertEqual(len(frames._frames), 1)

    def test_a_page_without_the_ask_has_its_own_frame(self):
        self.second.no_donation_ask = True
        self.second.summary += " Now without the ask."
        self.second.save()
        approve_as_is(self.second)
        publish(article=self.second, kind="update", note="No ask.")

        with_ask, without = self.miss("first"), self.miss("second")

        self.assertContains(with_ask, 'id="donation-banner"')
        self.assertNotContains(without, 'id="donation-banner"')
        self.assertEqual(without.content, rendered_by_template(self.current("second")))
        self.assertEqual(len(frames._frames), 2)

    def test_a_banner_change_shows_on_the_next_miss(self):
        self.assertContains(self.miss("first"), "Keep us going")

        self.message.headline = "Keep us independent"
        self.message.save()
        with self.captureOnCommitCallbacks(execute=True):
            # What the banner admin does on a save.
            tracker.invalidate_on_commit()
            pagecache.invalidate_all()

        response = self.miss("first")
        self.assertContains(response, "Keep us independent")
        self.assertNotContains(response, "Keep us going")
        self.assertEqual(response.content, rendered_by_template(self.current("first")))

    def test_a_donation_shows_its_count_on_the_next_miss(self):
        # A donation bumps only the tracker's generation, not the site's.
        self.assertContains(self.miss("first"), "<strong>2</strong> supporters")
        DonationFactory()
        tracker.invalidate()

        response = self.miss("first")

        self.assertContains(response, "<strong>3</strong> supporters")
        self.assertEqual(response.content, rendered_by_template(self.current("first")))

    def test_an_ended_campaign_leaves_the_next_miss(self):
        self.assertContains(self.miss("first"), 'id="donation-banner"')
        self.campaign.is_current = False
        self.campaign.save()
        with self.captureOnCommitCallbacks(execute=True):
            tracker.invalidate_on_commit()
            pagecache.invalidate_all()

        self.assertNotContains(self.miss("first"), 'id="donation-banner"')

    def test_staff_pages_are_rendered_by_the_template(self):
        create_roles()
        self.client.force_login(staff("Writer"))

        response = self.client.get("/fact-checks/first/")

        self.assertNotIn("X-Page-Cache", response)
        self.assertEqual(response.content, rendered_by_template(self.current("first")))
        self.assertEqual(len(frames._frames), 0)


class SplitTests(TestCase):
    def test_a_template_missing_a_field_or_showing_it_twice_keeps_no_frame(self):
        marks = (frames.TITLE, frames.EXCERPT, frames.HEAD, frames.BODY)

        self.assertIsNone(frames.split("".join(marks[:3])))
        self.assertIsNone(frames.split("".join(marks) + frames.TITLE))
        self.assertEqual(
            frames.split("a" + "b".join(marks) + "c"),
            ("a", marks[0], "b", marks[1], "b", marks[2], "b", marks[3], "c"),
        )


NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
class PageQueryTests(TestCase):
    """The page's query, compiled once, finds what the ORM's query finds."""

    def assert_same_as_the_orm(self, slug):
        found = page_query.current(slug)
        expected = page_query.queryset(slug, html=True).first()
        if expected is None:
            self.assertIsNone(found)
            return
        for name in page_query.PAGE_FIELDS + page_query.HTML_FIELDS:
            field = Publication._meta.get_field(name).attname
            self.assertEqual(getattr(found, field), getattr(expected, field), name)
        self.assertEqual(found.pk, expected.pk)

    def test_current_scheduled_and_missing(self):
        article = published_article(
            slug="timed",
            summary="First.",
            published_at=NOW - datetime.timedelta(days=1),
        )
        edit_summary(article, "Second.")
        publish(
            article=article,
            kind="update",
            note="Later.",
            published_at=NOW + datetime.timedelta(hours=1),
        )

        self.assertEqual(page_query.current("timed").version, 1)
        self.assert_same_as_the_orm("timed")
        self.assertIsNone(page_query.current("nowhere"))
        self.assert_same_as_the_orm("nowhere")
        with time_machine.travel(NOW + datetime.timedelta(hours=1)):
            self.assertEqual(page_query.current("timed").version, 2)
            self.assert_same_as_the_orm("timed")

    def test_a_withdrawal_is_current_and_its_page_has_the_whole_row(self):
        article = published_article(
            slug="gone", published_at=NOW - datetime.timedelta(days=1)
        )
        withdraw(article=article, note="A source was forged.")

        self.assertEqual(page_query.current("gone").kind, Publication.Kind.WITHDRAWAL)
        self.assert_same_as_the_orm("gone")
        self.assertContains(
            self.client.get("/fact-checks/gone/"),
            "A source was forged.",
            status_code=410,
        )

    def test_the_page_reads_only_its_columns(self):
        published_article(slug="slim", published_at=NOW - datetime.timedelta(days=1))

        found = page_query.current("slim")

        self.assertEqual(
            found.get_deferred_fields(),
            {"content", "body_text", "search_document", "search_head", "note"}
            | {"published_by_id", "created_at", "checked_on", "first_published_at"}
            | {"draft_digest", "ratings", "social_card", "card_html"},
        )


class PerRequestTests(TestCase):
    def test_a_frame_using_a_csrf_token_or_a_csp_nonce_is_not_kept(self):
        from django.middleware.csrf import get_token
        from django.utils.csp import LazyNonce

        token_request = RequestFactory().get("/")
        get_token(token_request)
        nonce_request = RequestFactory().get("/")
        nonce_request._csp_nonce = LazyNonce()
        str(nonce_request._csp_nonce)  # Generated, as a template using it would.
        unused_request = RequestFactory().get("/")
        unused_request._csp_nonce = LazyNonce()

        self.assertTrue(frames.per_request(token_request))
        self.assertTrue(frames.per_request(nonce_request))
        self.assertFalse(frames.per_request(unused_request))


@time_machine.travel(NOW, tick=False)
class PageHTMLCacheTests(TestCase):
    """Each process reads a publication's HTML once, whatever its size."""

    def setUp(self):
        self.article = published_article(
            slug="kept", sections=3, published_at=NOW - datetime.timedelta(days=1)
        )
        self.url = self.article.get_absolute_url()

    def miss(self, token):
        # Retired from the page cache first: a miss every time.
        pagecache.committed(paths=[self.url])
        return self.client.get(self.url)

    def test_the_html_is_read_once_then_kept(self):
        self.client.get("/")  # The banner's campaign, read once and cached.
        with self.assertNumQueries(2) as first:
            cold = self.miss(1)
        with self.assertNumQueries(1) as second:
            warm = self.miss(2)

        self.assertEqual(cold["X-Page-Cache"], "miss")
        self.assertEqual(warm["X-Page-Cache"], "miss")
        self.assertEqual(warm.content, cold.content)
        self.assertIn("page_body", first.captured_queries[1]["sql"])
        self.assertNotIn("page_body", second.captured_queries[0]["sql"])

    def test_html_of_another_release_is_rendered_for_the_request_only(self):
        self.miss(1)
        Publication.objects.filter(article=self.article).update(
            page_body="<p>Rendered by other templates.</p>", rendered_with="other"
        )

        # The old release's HTML is not served: the page is rendered from
        # the current templates, in memory; a GET writes nothing (the
        # deploy's rerender_pages stores it).
        with (
            self.assertLogs("articles.factchecks.prerendered_pages", "WARNING"),
            self.captureOnCommitCallbacks() as callbacks,
            CaptureQueriesContext(connection) as queries,
        ):
            response = self.miss(2)

        self.assertNotContains(response, "Rendered by other templates.")
        self.assertContains(response, self.article.title)
        self.assertEqual(callbacks, [])
        writes = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
        self.assertEqual(writes, [])
        stored = Publication.objects.get(article=self.article)
        self.assertEqual(stored.rendered_with, "other")

    def test_the_least_recently_used_page_goes_first_past_the_budget(self):
        kept = LRU(None, weigh=page_query.html_cache.weigh, budget=10)
        kept.put("a", ("aa", "aa"))
        kept.put("b", ("bb", "bb"))
        kept.get("a")
        kept.put("c", ("cc", "cc"))

        self.assertIsNone(kept.get("b"))
        self.assertEqual(kept.get("a"), ("aa", "aa"))
        self.assertEqual(kept.get("c"), ("cc", "cc"))
        self.assertLessEqual(kept.weight, 10)
        kept.put("huge", ("x" * 11, ""))
        self.assertIsNone(kept.get("huge"))
