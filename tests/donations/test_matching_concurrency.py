"""
Webhooks paying gifts at the same moment at the edge of a matching pledge,
each on its own database connection as under gunicorn: the pledge is never
matched past. They need concurrent transactions (PostgreSQL); SQLite runs
one writer at a time, so they skip there.
"""

from django.db.models import Sum
from django.test import Client, TransactionTestCase
from django.urls import reverse

from donations.models import Donation, GoalKind, MatchedGift, MatchingPledge

from . import events
from .factories import CampaignFactory
from .pledges import MatchingPledgeFactory
from .test_concurrency import in_threads, needs_postgresql


@needs_postgresql
class ConcurrentMatchingTests(TransactionTestCase):
    def setUp(self):
        self.campaign = CampaignFactory(
            is_current=True, goal_kind=GoalKind.AMOUNT, goal=10_000
        )

    def pay_at_once(self, count, amount):
        deliveries = [
            events.checkout_completed(
                email=f"reader{index}@example.org",
                payment_intent=f"pi_{index}",
                amount=amount,
            )
            for index in range(count)
        ]
        responses = in_threads(
            count, lambda index: events.deliver(Client(), deliveries[index])
        )
        self.assertEqual({r.status_code for r in responses}, {200})
        self.assertEqual(Donation.objects.count(), count)

    def test_gifts_racing_for_the_last_of_a_pledge_never_match_past_it(self):
        # $12 left for five $5 gifts at once: $5, $5 and $2 are matched.
        pledge = MatchingPledgeFactory(campaign=self.campaign, amount=12)
        Client().get(reverse("donations:goal"))  # A warm tracker to retire.

        self.pay_at_once(5, 500)

        pledge.refresh_from_db()
        self.assertEqual(pledge.matched, 1200)
        shares = sorted(MatchedGift.objects.values_list("amount", flat=True))
        self.assertEqual(shares, [200, 500, 500])
        goal = Client().get(reverse("donations:goal")).json()
        self.assertEqual(goal["raised"], 5 * 500 + 1200)
        self.assertEqual(goal["supporters"], 5)
        self.assertIsNone(goal["match"])

    def test_thirty_gifts_at_once_fill_a_pledge_exactly(self):
        pledge = MatchingPledgeFactory(campaign=self.campaign, amount=100)

        self.pay_at_once(30, 500)

        pledge.refresh_from_db()
        self.assertEqual(pledge.matched, 10_000)
        self.assertEqual(MatchedGift.objects.count(), 20)
        self.assertEqual(
            MatchedGift.objects.aggregate(total=Sum("amount"))["total"], 10_000
        )
        self.assertEqual(
            MatchingPledge.objects.get().left, 0, "Nothing left to announce."
        )
