import json
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from donations.models import BannerMessage

from .factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
    SupporterFactory,
)


class GoalJsonTests(TestCase):
    url = reverse("donations:goal")

    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(
            is_current=True,
            name="Spring drive",
            goal=1000,
            ends_at=timezone.now().replace(microsecond=0) + timedelta(days=20),
        )
        DonationFactory.create_batch(3)

    def test_goal_json_gives_the_aggregates(self):
        response = self.client.get(self.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(
            response.json(),
            {
                "campaign": "Spring drive",
                "goal": 1000,
                "goal_kind": "supporters",
                "currency": "USD",
                "supporters": 3,
                "raised": 0,
                "percent": 0.3,
                "ends_at": self.campaign.ends_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "match": None,
            },
        )

    def test_goal_json_is_publicly_cacheable_for_at_most_a_minute(self):
        response = self.client.get(self.url)

        directives = dict(
            part.strip().partition("=")[::2]
            for part in response["Cache-Control"].split(",")
        )
        self.assertIn("public", directives)
        self.assertLessEqual(int(directives["max-age"]), 60)
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertNotIn("Cookie", response.get("Vary", ""))

    def test_goal_json_refuses_other_methods(self):
        for method in ("post", "put", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(self.url)
                self.assertEqual(response.status_code, 405)

    def test_goal_json_answers_head(self):
        response = self.client.head(self.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")

    def test_goal_json_is_served_from_the_cache(self):
        self.client.get(self.url)

        with self.assertNumQueries(0):
            response = self.client.get(self.url)

        self.assertEqual(response.json()["supporters"], 3)

    def test_goal_json_without_a_campaign_is_404(self):
        self.campaign.is_current = False
        self.campaign.save()

        response = self.client.get(self.url)

        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"error": "No campaign is running."})


class BannerEventTests(TestCase):
    url = reverse("donations:banner-event")

    @classmethod
    def setUpTestData(cls):
        cls.message = BannerMessageFactory()
        cls.other = BannerMessageFactory(campaign=cls.message.campaign)

    def counters(self, message):
        message.refresh_from_db()
        return message.views, message.clicks

    def token(self):
        return self.client.get(reverse("donations:banner-token")).json()["token"]

    def post(self, data, **kwargs):
        return self.client.post(self.url, {"token": self.token(), **data}, **kwargs)

    def test_view_is_counted_for_that_message_only(self):
        response = self.post({"event": "view", "message": self.message.pk})

        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.counters(self.message), (1, 0))
        self.assertEqual(self.counters(self.other), (0, 0))

    def test_click_is_counted(self):
        # Two page views, one click each.
        self.post({"event": "click", "message": self.message.pk})
        self.post({"event": "click", "message": self.message.pk})

        self.assertEqual(self.counters(self.message), (0, 2))

    def test_counting_is_a_single_update(self):
        token = self.token()
        with self.assertNumQueries(1):
            self.client.post(
                self.url,
                {"event": "view", "message": self.message.pk, "token": token},
            )

    def test_nothing_about_the_reader_is_kept(self):
        response = self.post(
            {"event": "view", "message": self.message.pk},
            REMOTE_ADDR="203.0.113.9",
            headers={"user-agent": "Reader's browser"},
        )

        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.cookies, {})
        self.assertNotIn("Cookie", response.get("Vary", ""))
        self.assertIs(Session.objects.exists(), False)
        self.assertIn("no-store", response["Cache-Control"])

    def test_bad_input_is_refused_and_counts_nothing(self):
        cases = [
            ({"event": "hover", "message": self.message.pk}, 400, "event must be"),
            ({"message": self.message.pk}, 400, "event must be"),
            ({"event": "view", "message": "1; DROP TABLE"}, 400, "message must be"),
            ({"event": "view", "message": "-1"}, 400, "message must be"),
            ({"event": "view", "message": "9" * 40}, 400, "message must be"),
            ({"event": "view", "message": "999999"}, 404, "No active banner message"),
        ]
        for data, status, reason in cases:
            with self.subTest(data=data):
                response = self.post(data)
                self.assertEqual(response.status_code, status)
                self.assertIn(reason, response.content.decode())

        self.assertEqual(self.counters(self.message), (0, 0))

    def test_inactive_message_is_not_counted(self):
        inactive = BannerMessageFactory(active=False)

        response = self.post({"event": "view", "message": inactive.pk})

        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.counters(inactive), (0, 0))

    def test_oversized_body_is_refused(self):
        response = self.client.post(
            self.url,
            data="event=view&message=1&padding=" + "x" * 5000,
            content_type="application/x-www-form-urlencoded",
        )

        self.assertEqual(response.status_code, 413)
        self.assertEqual(BannerMessage.objects.filter(views__gt=0).count(), 0)

    def test_only_post_is_allowed(self):
        self.assertEqual(self.client.get(self.url).status_code, 405)


class GoalJsonPrivacyTests(TestCase):
    def test_goal_json_exposes_nothing_about_any_person(self):
        CampaignFactory(is_current=True, name="Spring drive")
        supporter = SupporterFactory(
            address="ada@example.org",
            email="ada@example.org",
            display_name="Ada Lovelace",
            display_name_consented_at="2026-01-01T00:00Z",
        )
        DonationFactory(supporter=supporter, provider_id="pi_secret", amount=123456)

        response = self.client.get(reverse("donations:goal"))

        body = response.content.decode()
        self.assertEqual(
            set(json.loads(body)),
            {
                "campaign",
                "goal",
                "goal_kind",
                "currency",
                "supporters",
                "raised",
                "percent",
                "ends_at",
                "match",
            },
        )
        for personal in (
            "ada",
            "Ada Lovelace",
            "pi_secret",
            "1234",
            supporter.email_hash,
        ):
            self.assertNotIn(personal, body)
