"""
The banner's A/B counters cannot be inflated from one client, and the page
the banner sits on is the same bytes for every reader.
"""

import time
from unittest import mock

import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from donations import banner_events

from .factories import BannerMessageFactory, CampaignFactory

TOKEN = reverse("donations:banner-token")
EVENT = reverse("donations:banner-event")


class BannerEventTokenTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.message = BannerMessageFactory()

    def token(self, **kwargs):
        return self.client.get(TOKEN, **kwargs).json()["token"]

    def event(self, token, event="click", **kwargs):
        return self.client.post(
            EVENT,
            {"event": event, "message": self.message.pk, "token": token},
            **kwargs,
        )

    def counters(self):
        self.message.refresh_from_db()
        return self.message.views, self.message.clicks

    def test_two_hundred_clicks_of_one_page_view_count_once(self):
        token = self.token()

        statuses = [self.event(token).status_code for _ in range(200)]

        self.assertEqual(self.counters(), (0, 1))
        self.assertEqual(statuses[0], 204)
        self.assertEqual(set(statuses[1:]), {409})

    def test_a_page_view_counts_one_view_and_one_click(self):
        token = self.token()

        self.event(token, "view")
        self.event(token, "view")
        self.event(token, "click")

        self.assertEqual(self.counters(), (1, 1))

    def test_one_client_fetching_a_token_per_click_counts_at_most_the_limit(self):
        for _ in range(200):
            response = self.client.get(TOKEN, REMOTE_ADDR="198.51.100.7")
            if response.status_code == 200:
                self.event(response.json()["token"], REMOTE_ADDR="198.51.100.7")

        self.assertEqual(self.counters(), (0, banner_events.TOKENS_PER_WINDOW))
        # Another reader is not held back by that one.
        self.assertEqual(
            self.event(self.token(REMOTE_ADDR="198.51.100.8")).status_code, 204
        )

    def test_too_many_tokens_answer_429_with_retry_after(self):
        for _ in range(banner_events.TOKENS_PER_WINDOW):
            self.client.get(TOKEN)

        response = self.client.get(TOKEN)

        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Retry-After"], str(banner_events.RATE_WINDOW))

    def test_the_limit_resets_after_its_window(self):
        # A one-second window, since Redis expires keys by its own clock.
        with mock.patch.object(banner_events, "RATE_WINDOW", 1):
            for _ in range(banner_events.TOKENS_PER_WINDOW + 1):
                self.client.get(TOKEN)
            self.assertEqual(self.client.get(TOKEN).status_code, 429)

            time.sleep(1.5)

            self.assertEqual(self.client.get(TOKEN).status_code, 200)

    def test_a_missing_or_forged_token_counts_nothing(self):
        for token in ("", "abc", "abc:def", self.token() + "x"):
            with self.subTest(token=token):
                response = self.event(token)

                self.assertEqual(response.status_code, 400)
                self.assertIn(b"token must come from", response.content)
        self.assertEqual(self.counters(), (0, 0))

    def test_an_expired_token_counts_nothing(self):
        token = self.token()

        with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
            response = self.event(token)

        self.assertContains(response, "The token has expired.", status_code=400)
        self.assertEqual(self.counters(), (0, 0))

    def test_the_token_endpoint_is_never_cached_and_sets_no_cookie(self):
        response = self.client.get(TOKEN)

        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response.cookies, {})

    def test_each_page_view_gets_a_different_token(self):
        self.assertNotEqual(self.token(), self.token())


class IdenticalPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True)
        BannerMessageFactory(campaign=cls.campaign, headline="First variant", weight=1)
        BannerMessageFactory(campaign=cls.campaign, headline="Second variant", weight=1)

    def test_two_anonymous_requests_for_the_home_page_get_identical_bytes(self):
        first = self.client.get(reverse("home"))
        second = self.client.get(reverse("home"))

        self.assertEqual(first.status_code, 200)
        self.assertContains(first, "First variant")
        self.assertContains(first, "Second variant")
        self.assertEqual(first.content, second.content)

    def test_every_variant_is_in_the_page_and_the_heaviest_shows_without_script(self):
        BannerMessageFactory(headline="Another campaign's")  # Not current.
        heavy = BannerMessageFactory(
            campaign=self.campaign, headline="Heavy variant", weight=5
        )

        html = self.client.get(reverse("home")).content.decode()

        self.assertIn(f'data-message="{heavy.pk}" data-weight="5">', html)
        self.assertEqual(html.count("data-weight="), 3)
        self.assertNotIn("Another campaign's", html)
        self.assertEqual(html.count('data-weight="1" hidden>'), 2)
