"""
The donation banner is a piece of every page, joined in as the page is
served (factually/pagecache/pieces.py): a campaign, banner or donation
change shows on cached pages at once, and retires none of them.
"""

import gzip

import brotli
from django.conf import settings
from django.test import RequestFactory, TestCase
from django.urls import reverse

from donations import tracker
from factually.models import Invalidation
from factually.pagecache import generations, pieces
from tests.articles.factories import published_article
from tests.donations.factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
    fundraiser,
)


class BannerPieceTests(TestCase):
    def setUp(self):
        self.campaign = CampaignFactory(is_current=True, name="Winter drive")
        self.message = BannerMessageFactory(
            campaign=self.campaign, headline="Keep us independent"
        )
        published_article(slug="listed", title="Fact check: Is it listed?")
        self.fundraiser = self.client_class()
        self.fundraiser.force_login(fundraiser())

    def cached(self, url="/", **headers):
        """`url` stored in the page cache; its second response, a hit."""
        self.client.get(url, headers=headers)
        response = self.client.get(url, headers=headers)
        self.assertEqual(response["X-Page-Cache"], "hit")
        return response

    def rendered(self, url="/"):
        """The page as its view renders it now, the page cache bypassed."""
        bypassing = self.client_class()
        bypassing.cookies[settings.SESSION_COOKIE_NAME] = "none"
        response = bypassing.get(url)
        self.assertNotIn("X-Page-Cache", response)
        return response.content

    def change_headline(self, headline):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.fundraiser.post(
                reverse("admin:donations_bannermessage_change", args=[self.message.pk]),
                {
                    "campaign": self.campaign.pk,
                    "headline": headline,
                    "body": self.message.body,
                    "button_text": self.message.button_text,
                    "suggested_amount": "",
                    "weight": "1",
                    "active": "on",
                },
            )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))

    def test_a_banner_change_leaves_the_home_page_a_hit_showing_the_new_banner(self):
        self.assertContains(self.cached(), "Keep us independent")

        self.change_headline("Readers keep us going")

        response = self.client.get("/")
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertContains(response, "Readers keep us going")
        self.assertNotContains(response, "Keep us independent")
        self.assertEqual(response.content, self.rendered())
        self.assertEqual(response["Content-Length"], str(len(response.content)))

    def test_the_hit_that_joins_the_new_banner_stores_it_for_the_next(self):
        self.cached()
        self.change_headline("Readers keep us going")
        first = self.client.get("/")

        with self.assertNumQueries(0):
            second = self.client.get("/")

        self.assertEqual(second["X-Page-Cache"], "hit")
        self.assertEqual(second.content, first.content)
        self.assertEqual(second["ETag"], first["ETag"])

    def test_the_etag_changes_with_the_banner_and_answers_304_after(self):
        before = self.cached()

        self.change_headline("Readers keep us going")

        stale = self.client.get("/", headers={"if-none-match": before["ETag"]})
        self.assertEqual(stale.status_code, 200)
        self.assertNotEqual(stale["ETag"], before["ETag"])
        current = self.client.get("/", headers={"if-none-match": stale["ETag"]})
        self.assertEqual(current.status_code, 304)

    def test_compressed_hits_get_the_new_banner_compressed_as_before(self):
        for encoding, decompress in (
            ("br", brotli.decompress),
            ("gzip", gzip.decompress),
        ):
            with self.subTest(encoding=encoding):
                self.cached(accept_encoding=encoding)
                self.change_headline(f"New headline for {encoding}")

                response = self.client.get("/", headers={"accept-encoding": encoding})

                self.assertEqual(response["X-Page-Cache"], "hit")
                self.assertEqual(response["Content-Encoding"], encoding)
                self.assertEqual(response["Content-Length"], str(len(response.content)))
                self.assertEqual(decompress(response.content), self.rendered())

    def test_an_article_page_shows_a_banner_change_while_a_hit(self):
        url = reverse("articles:detail", args=["listed"])
        self.cached(url)

        self.change_headline("Readers keep us going")

        response = self.client.get(url)
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertContains(response, "Readers keep us going")
        self.assertEqual(response.content, self.rendered(url))

    def test_a_donation_shows_in_the_cached_pages_count(self):
        self.assertContains(self.cached(), "No supporters yet")

        with self.captureOnCommitCallbacks(execute=True):
            DonationFactory()
            tracker.invalidate_on_commit()

        response = self.client.get("/")
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertContains(response, "<strong>1</strong> supporter so far", html=False)

    def test_a_banner_change_is_recorded_for_an_outage(self):
        self.change_headline("Readers keep us going")

        # In the database, in the change's transaction: a process that finds
        # Redis behind it retires every page and the tracker.
        self.assertIs(
            Invalidation.objects.filter(
                paths__contains=tracker.GENERATION_KEY
            ).exists(),
            True,
        )

    def test_no_marker_reaches_a_reader(self):
        for url in ("/", reverse("articles:detail", args=["listed"]), "/corrections/"):
            with self.subTest(url=url):
                self.assertNotIn(b"\x00", self.client.get(url).content)
                self.assertNotIn(b"\x00", self.cached(url).content)


class SplitTests(TestCase):
    def test_a_page_holding_a_piece_twice_is_not_split(self):
        marker = pieces.marker("donation-banner").encode()

        self.assertIsNone(
            pieces.split(b"a" + marker + b"b" + marker, ["donation-banner"])
        )
        self.assertEqual(
            pieces.split(b"a" + marker + b"b", ["donation-banner"]),
            (b"a", "donation-banner", b"b"),
        )


class SiteGenerationTests(TestCase):
    """A page's validators read the site generation with or without pieces."""

    def request(self, pieces_read):
        request = RequestFactory().get("/")
        request.page_cache_generations = {generations.SITE_GENERATION_KEY: 5}
        request.page_cache_piece_generations = pieces_read
        return request

    def test_a_request_that_read_no_piece_has_the_site_generation(self):
        # No donation banner on the page (a campaign ended, say): no piece.
        self.assertEqual(generations.site_generation(self.request({})), 5)

    def test_a_newer_piece_is_a_newer_page(self):
        request = self.request({"banner": 9, "other": None})

        self.assertEqual(generations.site_generation(request), 9)
