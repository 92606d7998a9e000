"""
Matching pledges as gifts are recorded, and as readers see them: the banner,
the goal tracker, goal.json and /support/.
"""

import io
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.db import IntegrityError
from django.db.models import F
from django.template import engines
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from donations import payments, tracker
from donations.models import Donation, GoalKind, MatchedGift, MatchingPledge
from factually import pagecache

from .factories import CampaignFactory, DonationFactory, GivingMethodFactory
from .pledges import MatchingPledgeFactory, named

GOAL = reverse("donations:goal")
SUPPORT = reverse("donations:support")


def give(amount, *, email="reader@example.org", received_at=None, **fields):
    """A gift recorded as the webhook or the offline-gift form records one."""
    donation, _created = payments.record_donation(
        email=email,
        amount=amount,
        currency=fields.pop("currency", "USD"),
        kind=Donation.Kind.ONE_OFF,
        origin=fields.pop("origin", Donation.Origin.STRIPE),
        received_at=received_at or timezone.now(),
        **fields,
    )
    return donation


def render_banner():
    return (
        engines["django"]
        .from_string("{% load donations %}{% donation_banner %}")
        .render()
    )


class MatchingGiftTests(TestCase):
    def setUp(self):
        self.campaign = CampaignFactory(is_current=True)
        self.pledge = MatchingPledgeFactory(campaign=self.campaign, amount=12)

    def test_a_gift_in_the_window_is_matched_in_full(self):
        donation = give(500)

        self.assertEqual(donation.match.amount, 500)
        self.pledge.refresh_from_db()
        self.assertEqual(self.pledge.matched, 500)

    def test_the_gift_at_the_edge_is_matched_only_up_to_the_pledge(self):
        first, second, edge, after = (
            give(500, email=f"r{n}@example.org") for n in range(4)
        )

        self.assertEqual(
            [first.match.amount, second.match.amount, edge.match.amount],
            [500, 500, 200],
        )
        self.assertFalse(MatchedGift.objects.filter(donation=after).exists())
        self.pledge.refresh_from_db()
        self.assertEqual((self.pledge.matched, self.pledge.left), (1200, 0))

    def test_gifts_outside_the_window_or_currency_or_imported_are_not_matched(self):
        now = timezone.now()
        MatchingPledge.objects.filter(pk=self.pledge.pk).update(
            starts_at=now - timedelta(days=1), ends_at=now - timedelta(hours=1)
        )
        give(500, received_at=now - timedelta(days=1, seconds=1))
        give(500, received_at=now - timedelta(hours=1))
        give(500, currency="EUR")
        give(500, origin=Donation.Origin.IMPORT, provider_id="row-1")

        self.assertFalse(MatchedGift.objects.exists())
        self.pledge.refresh_from_db()
        self.assertEqual(self.pledge.matched, 0)

    def test_an_offline_gift_is_matched(self):
        donation = give(300, origin=Donation.Origin.OFFLINE)

        self.assertEqual(donation.match.amount, 300)

    def test_a_refund_gives_the_share_back_to_the_pledge(self):
        donation = give(500)

        payments.refund_donation(donation=donation, refunded_at=timezone.now())

        self.assertFalse(MatchedGift.objects.exists())
        self.pledge.refresh_from_db()
        self.assertEqual(self.pledge.matched, 0)

    def test_an_excluded_gift_gives_its_share_back(self):
        donation = give(500)

        payments.exclude_donation(donation=donation, reason="political organisation")

        self.pledge.refresh_from_db()
        self.assertEqual(self.pledge.matched, 0)

    def test_the_database_refuses_matching_past_the_pledge(self):
        with self.assertRaises(IntegrityError):
            MatchingPledge.objects.filter(pk=self.pledge.pk).update(
                matched=F("amount") * 100 + 1
            )

    def test_using_up_the_pledge_retires_every_cached_page(self):
        give(700, email="first@example.org")
        before = pagecache.site_generation()

        with self.captureOnCommitCallbacks(execute=True):
            give(500)

        self.assertNotEqual(pagecache.site_generation(), before)

    def test_a_gift_leaving_money_in_the_pledge_retires_no_page(self):
        before = pagecache.site_generation()

        with self.captureOnCommitCallbacks(execute=True):
            give(500)

        self.assertEqual(pagecache.site_generation(), before)


class MatchInBannerTests(TestCase):
    """As the reader."""

    def setUp(self):
        self.campaign = CampaignFactory(
            is_current=True, goal_kind=GoalKind.AMOUNT, goal=20_000
        )
        self.ends_at = timezone.now().replace(microsecond=0) + timedelta(hours=5)
        self.pledge = named(campaign=self.campaign, amount=5000, ends_at=self.ends_at)

    def test_the_banner_names_the_matcher_and_the_end(self):
        html = render_banner()

        end = timezone.localtime(self.ends_at)
        self.assertIn("Every gift doubled until", html)
        self.assertIn("by Ada Trust.", html)
        self.assertIn(f'data-match-ends="{end.isoformat()}"', html)

    def test_an_anonymous_match_is_from_a_generous_supporter(self):
        self.pledge.public_name = ""
        self.pledge.public_name_consented_on = None
        self.pledge.save()

        self.assertIn("by a generous supporter.", render_banner())

    def test_the_tracker_says_what_is_left_of_the_pledge(self):
        give(100_000)

        self.assertInHTML(
            "<strong>$4,000</strong> of the $5,000 match left", render_banner()
        )

    def test_the_match_counts_in_money_raised_never_in_supporters(self):
        give(100_000)

        current = tracker.current()
        self.assertEqual(current.raised, 200_000)
        self.assertEqual(current.supporters, 1)
        self.assertIn("<strong>$2,000</strong> raised so far", render_banner())

    def test_the_banner_stops_when_the_pledge_is_used_up(self):
        with self.captureOnCommitCallbacks(execute=True):
            give(500_000)

        html = render_banner()
        self.assertIn('id="donation-banner"', html)
        self.assertNotIn("Every gift doubled", html)

    def test_the_banner_stops_at_the_end_of_the_window(self):
        self.assertIn("Every gift doubled", render_banner())

        with time_machine.travel(self.ends_at):
            html = render_banner()
        self.assertIn('id="donation-banner"', html)
        self.assertNotIn("Every gift doubled", html)

    def test_a_match_to_come_starts_showing_at_its_start_without_a_rebuild(self):
        later = named(
            campaign=self.campaign,
            matcher="Later",
            public_name="Grace Fund",
            starts_at=self.ends_at,
            ends_at=self.ends_at + timedelta(hours=1),
        )
        tracker.invalidate()
        self.assertNotIn("Grace Fund", render_banner())

        with time_machine.travel(later.starts_at):
            self.assertIn("by Grace Fund.", render_banner())

    def test_goal_json_carries_the_running_match(self):
        give(100_000)

        data = self.client.get(GOAL).json()

        self.assertEqual(data["raised"], 200_000)
        self.assertEqual(
            data["match"],
            {
                "matcher": "Ada Trust",
                "pledged": 500_000,
                "left": 400_000,
                "ends_at": self.ends_at.isoformat().replace("+00:00", "Z"),
            },
        )

    def test_readers_never_see_the_matchers_private_name(self):
        self.pledge.matcher = "J. Doe of the Ada Trust, +1 555 0100"
        self.pledge.public_name = ""
        self.pledge.public_name_consented_on = None
        self.pledge.save()

        for body in (
            render_banner(),
            self.client.get(GOAL).content.decode(),
            self.client.get(SUPPORT).content.decode(),
        ):
            self.assertNotIn("J. Doe", body)

    def test_goal_json_says_no_match_once_the_pledge_is_used_up(self):
        self.assertIsNotNone(self.client.get(GOAL).json()["match"])

        with self.captureOnCommitCallbacks(execute=True):
            give(500_000)

        self.assertIsNone(self.client.get(GOAL).json()["match"])

    def test_a_cold_tracker_with_a_pledge_costs_one_more_query(self):
        # Campaign, messages, count, amount raised; and the pledges.
        with self.assertNumQueries(5):
            tracker.current()
        with self.assertNumQueries(0):
            tracker.current()


class MatchOnSupportPageTests(TestCase):
    """As the reader on /support/."""

    def setUp(self):
        self.campaign = CampaignFactory(is_current=True)

    def test_the_support_page_announces_the_running_match(self):
        named(campaign=self.campaign, amount=5000)

        response = self.client.get(SUPPORT)

        self.assertContains(response, "Every gift doubled until")
        self.assertContains(response, "by Ada Trust.")
        self.assertContains(
            response, "<strong>$5,000</strong> of the $5,000 match left"
        )

    def test_the_support_page_says_nothing_of_a_used_up_match(self):
        pledge = named(campaign=self.campaign, amount=10)
        give(1000)
        pledge.refresh_from_db()
        self.assertEqual(pledge.left, 0)

        self.assertNotContains(self.client.get(SUPPORT), "Every gift doubled")

    def test_a_running_match_costs_the_support_page_one_query(self):
        named(campaign=self.campaign)
        GivingMethodFactory.create_batch(2)

        # The campaign (and whether a match runs), the match, the ways to
        # give, the testimonials.
        with self.assertNumQueries(4):
            self.client.get(SUPPORT)


class CachedPageMatchTests(TestCase):
    """Every page stops announcing the match at once, through the page cache."""

    def setUp(self):
        from tests.articles.factories import published_article

        published_article(slug="matched", summary="An answer.")
        self.url = reverse("articles:detail", args=["matched"])
        self.campaign = CampaignFactory(is_current=True)
        # Well within the hour a cached page lives anyway.
        self.ends_at = timezone.now().replace(microsecond=0) + timedelta(minutes=10)

    def cached_page(self):
        first = self.client.get(self.url)
        self.assertContains(first, "Every gift doubled")
        self.assertEqual(self.client.get(self.url)["X-Page-Cache"], "hit")

    def test_a_gift_using_up_the_pledge_retires_the_cached_page(self):
        named(campaign=self.campaign, amount=10, ends_at=self.ends_at)
        self.cached_page()

        with self.captureOnCommitCallbacks(execute=True):
            give(1000)

        response = self.client.get(self.url)
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertNotContains(response, "Every gift doubled")

    def test_the_window_end_retires_the_cached_page_with_no_write(self):
        # Scheduled when the campaign's times are, as the admin and each
        # deploy do.
        named(campaign=self.campaign, ends_at=self.ends_at)
        with self.captureOnCommitCallbacks(execute=True):
            tracker.schedule_campaign_times()
        self.cached_page()

        with time_machine.travel(self.ends_at + timedelta(seconds=1)):
            response = self.client.get(self.url)
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertContains(response, 'id="donation-banner"')
        self.assertNotContains(response, "Every gift doubled")


class DeployTests(TestCase):
    def test_each_deploy_schedules_the_running_matchs_times(self):
        # A pledge saved outside the admin (a shell, a restored backup).
        campaign = CampaignFactory(is_current=True)
        pledge = MatchingPledgeFactory(
            campaign=campaign, starts_at=timezone.now() + timedelta(hours=1)
        )

        with self.captureOnCommitCallbacks(execute=True):
            call_command("invalidate_page_cache", stdout=io.StringIO())

        scheduled = pagecache.generations.cache().get(pagecache.SCHEDULE_KEY)
        self.assertIn(pledge.starts_at.timestamp(), scheduled)
        self.assertIn(pledge.ends_at.timestamp(), scheduled)


class OfflineGiftMatchTests(TestCase):
    def test_a_gift_recorded_before_the_pledge_existed_is_not_matched(self):
        campaign = CampaignFactory(is_current=True)
        DonationFactory(received_at=timezone.now())
        MatchingPledgeFactory(campaign=campaign)

        self.assertFalse(MatchedGift.objects.exists())
