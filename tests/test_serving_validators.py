"""
The article and version pages' validators: an ETag and Last-Modified computed from the
publication and the site generation without rendering, so a conditional
request is answered 304 even when the page is not in the page cache.
"""

import datetime
import io
from unittest import mock

import time_machine
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles.factchecks.publishing import publish
from articles.models import VersionRemoval
from factually import pagecache
from tests.articles.factories import approve_as_is, edit_summary, published_article
from tests.donations.factories import BannerMessageFactory, CampaignFactory, fundraiser


def committed(test):
    return test.captureOnCommitCallbacks(execute=True)


def not_rendered(*args, **kwargs):
    raise AssertionError("The page was rendered.")


class ArticleValidatorsTests(TestCase):
    def setUp(self):
        self.campaign = CampaignFactory(is_current=True)
        self.article = published_article(slug="validated", summary="First answer.")
        self.url = reverse("articles:detail", args=["validated"])

    def miss(self, method="get", **headers):
        """A request the page cache cannot answer (its page was retired)."""
        pagecache.committed(paths=[self.url])
        response = getattr(self.client, method)(self.url, headers=headers)
        self.assertEqual(response["X-Page-Cache"], "miss")
        return response

    def test_a_conditional_request_on_a_cache_miss_answers_304_without_rendering(self):
        first = self.miss()
        self.assertTrue(first["ETag"].startswith('W/"'))

        with (
            mock.patch("articles.factchecks.views.render", not_rendered),
            mock.patch(
                "articles.factchecks.prerendered_pages.render_to_string", not_rendered
            ),
            self.assertNumQueries(1),
        ):
            response = self.miss(if_none_match=first["ETag"])

        self.assertEqual(response.status_code, 304)
        self.assertEqual(response["ETag"], first["ETag"])
        self.assertEqual(response["Last-Modified"], first["Last-Modified"])
        self.assertIn("public", response["Cache-Control"])

    def test_if_modified_since_alone_answers_304_on_a_cache_miss(self):
        first = self.miss()

        with mock.patch("articles.factchecks.views.render", not_rendered):
            response = self.miss(if_modified_since=first["Last-Modified"])

        self.assertEqual(response.status_code, 304)

    def test_identical_requests_get_the_same_validators_hit_or_miss(self):
        first = self.miss()
        self.client.get(self.url)
        hit = self.client.get(self.url)

        self.assertEqual(hit["X-Page-Cache"], "hit")
        self.assertEqual(hit["ETag"], first["ETag"])
        self.assertEqual(hit["Last-Modified"], first["Last-Modified"])

    def test_head_answers_the_same_validators_as_get(self):
        get = self.miss()
        head = self.miss("head")

        self.assertEqual(head.status_code, 200)
        self.assertEqual(head["ETag"], get["ETag"])
        self.assertEqual(head["Last-Modified"], get["Last-Modified"])
        with mock.patch("articles.factchecks.views.render", not_rendered):
            conditional = self.miss("head", if_none_match=get["ETag"])
        self.assertEqual(conditional.status_code, 304)

    def test_a_new_version_changes_the_validators(self):
        before = self.miss()

        edit_summary(self.article, "Second answer.")
        approve_as_is(self.article)
        with committed(self):
            publish(article=self.article, kind="update", note="New answer.")

        after = self.miss(if_none_match=before["ETag"])
        self.assertEqual(after.status_code, 200)
        self.assertContains(after, "Second answer.")
        self.assertNotEqual(after["ETag"], before["ETag"])

    def test_a_banner_change_changes_the_etag(self):
        message = BannerMessageFactory(campaign=self.campaign, headline="Keep us free")
        before = self.miss()
        self.assertContains(before, "Keep us free")
        staff = self.client_class()
        staff.force_login(fundraiser())

        with committed(self):
            response = staff.post(
                reverse("admin:donations_bannermessage_delete", args=[message.pk]),
                {"post": "yes"},
            )
        self.assertEqual(response.status_code, 302)

        after = self.miss(if_none_match=before["ETag"])
        self.assertEqual(after.status_code, 200)
        self.assertNotContains(after, "Keep us free")
        self.assertNotEqual(after["ETag"], before["ETag"])

    def test_a_missing_article_gets_no_304(self):
        response = self.client.get(
            reverse("articles:detail", args=["nowhere"]), headers={"if_none_match": "*"}
        )

        self.assertEqual(response.status_code, 404)


class VersionValidatorsTests(TestCase):
    """Version pages get validators without rendering, like the article page."""

    def setUp(self):
        self.campaign = CampaignFactory(is_current=True)
        self.article = published_article(slug="versioned", summary="First answer.")
        edit_summary(self.article, "Second answer.")
        approve_as_is(self.article)
        publish(article=self.article, kind="update", note="New answer.")
        self.urls = {
            "version": reverse("articles:version", args=["versioned", 1]),
            "changes": reverse("articles:changes", args=["versioned", 2]),
        }

    def miss(self, url, method="get", **headers):
        pagecache.committed(paths=[url])
        response = getattr(self.client, method)(url, headers=headers)
        self.assertEqual(response["X-Page-Cache"], "miss")
        return response

    def test_a_conditional_request_answers_304_without_rendering(self):
        for page, url in self.urls.items():
            with self.subTest(page=page):
                first = self.miss(url)
                self.assertEqual(first.status_code, 200)
                self.assertTrue(first["ETag"].startswith(f'W/"{page}-'))

                with (
                    mock.patch("articles.factchecks.views.render", not_rendered),
                    self.assertNumQueries(3),
                ):
                    response = self.miss(url, if_none_match=first["ETag"])
                self.assertEqual(response.status_code, 304)
                self.assertEqual(response["ETag"], first["ETag"])
                self.assertEqual(response["Last-Modified"], first["Last-Modified"])
                with mock.patch("articles.factchecks.views.render", not_rendered):
                    response = self.miss(
                        url, "head", if_modified_since=first["Last-Modified"]
                    )
                self.assertEqual(response.status_code, 304)

    def test_hit_and_miss_carry_the_same_validators(self):
        first = self.miss(self.urls["version"])
        self.client.get(self.urls["version"])
        hit = self.client.get(self.urls["version"])

        self.assertEqual(hit["X-Page-Cache"], "hit")
        self.assertEqual(hit["ETag"], first["ETag"])
        self.assertEqual(hit["Last-Modified"], first["Last-Modified"])

    def test_a_site_wide_change_changes_the_etag(self):
        # Campaigns, banners, topics, authors and deploys bump the generation.
        before = self.miss(self.urls["version"])
        with committed(self):
            pagecache.invalidate_all()

        after = self.miss(self.urls["version"], if_none_match=before["ETag"])

        self.assertEqual(after.status_code, 200)
        self.assertNotEqual(after["ETag"], before["ETag"])

    def test_a_new_current_version_changes_the_etag(self):
        # The page links to the current version, and names its slug.
        before = self.miss(self.urls["version"])
        edit_summary(self.article, "Third answer.")
        approve_as_is(self.article)
        with committed(self):
            publish(article=self.article, kind="update", note="Third.")

        after = self.miss(self.urls["version"], if_none_match=before["ETag"])

        self.assertEqual(after.status_code, 200)
        self.assertNotEqual(after["ETag"], before["ETag"])

    def test_a_removal_changes_the_etag(self):
        before = self.miss(self.urls["version"])
        VersionRemoval.objects.create(
            publication=self.article.publications.get(version=1), note="Court order."
        )

        after = self.miss(self.urls["version"], if_none_match=before["ETag"])

        self.assertContains(after, "Court order.", status_code=410)
        self.assertNotEqual(after["ETag"], before["ETag"])

    def test_pages_that_are_not_there_get_no_304(self):
        for url in (
            reverse("articles:version", args=["versioned", 9]),
            reverse("articles:changes", args=["versioned", 1]),
            reverse("articles:version", args=["nowhere", 1]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url, headers={"if_none_match": "*"})
                self.assertEqual(response.status_code, 404)


class CampaignEndTests(TestCase):
    """
    A campaign's end changes the banner on every page with nothing saved:
    pages cached before it are retired then, and their ETags change.
    """

    def setUp(self):
        self.now = timezone.now().replace(microsecond=0)
        self.ends_at = self.now + datetime.timedelta(hours=2)
        self.article = published_article(slug="ending", summary="First answer.")
        self.url = reverse("articles:detail", args=["ending"])

    def add_campaign_in_the_admin(self):
        client = self.client_class()
        client.force_login(fundraiser())
        with committed(self):
            response = client.post(
                reverse("admin:donations_campaign_add"),
                {
                    "name": "Winter drive",
                    "goal_kind": "supporters",
                    "goal": "1000",
                    "currency": "USD",
                    "banner_views_per_day": "0",
                    "starts_at_0": (self.now - datetime.timedelta(days=1)).strftime(
                        "%Y-%m-%d"
                    ),
                    "starts_at_1": "00:00:00",
                    "ends_at_0": self.ends_at.strftime("%Y-%m-%d"),
                    "ends_at_1": self.ends_at.strftime("%H:%M:%S"),
                    "donate_url": "https://buy.stripe.com/test_1",
                    "is_current": "on",
                },
            )
        self.assertEqual(response.status_code, 302)

    def test_pages_and_etags_change_when_the_campaign_ends(self):
        self.add_campaign_in_the_admin()
        before = self.client.get(self.url)
        self.assertContains(before, 'id="donation-banner"')
        self.assertEqual(self.client.get(self.url)["X-Page-Cache"], "hit")

        with time_machine.travel(self.ends_at + datetime.timedelta(seconds=1)):
            after = self.client.get(self.url, headers={"if_none_match": before["ETag"]})

            self.assertEqual(after.status_code, 200)
            self.assertEqual(after["X-Page-Cache"], "miss")
            self.assertNotContains(after, 'id="donation-banner"')
            self.assertNotEqual(after["ETag"], before["ETag"])
            self.assertEqual(
                after["Last-Modified"], http_date(self.ends_at.timestamp())
            )

        # Long after, once other moments were scheduled and old ones
        # forgotten, the old ETag still never matches.
        later = self.ends_at + datetime.timedelta(days=1)
        with time_machine.travel(later):
            with committed(self):
                pagecache.invalidate_all(at=later + datetime.timedelta(days=1))
            pagecache.committed(paths=[self.url])
            again = self.client.get(self.url, headers={"if_none_match": before["ETag"]})
            self.assertEqual(again.status_code, 200)
            self.assertEqual(again["ETag"], after["ETag"])

    def test_deploys_schedule_the_current_campaigns_end(self):
        # A campaign saved before campaigns' times were scheduled.
        CampaignFactory(is_current=True, ends_at=self.ends_at)

        with committed(self):
            call_command("invalidate_page_cache", stdout=io.StringIO())
        before = self.client.get(self.url)
        self.assertContains(before, 'id="donation-banner"')

        with time_machine.travel(self.ends_at + datetime.timedelta(seconds=1)):
            after = self.client.get(self.url, headers={"if_none_match": before["ETag"]})
        self.assertEqual(after.status_code, 200)
        self.assertNotContains(after, 'id="donation-banner"')
