"""
Webhooks arriving at the same moment, each on its own database connection as
under gunicorn. These need a database that runs transactions concurrently:
PostgreSQL. SQLite runs one writer at a time, so they skip there.
"""

import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, connections, transaction
from django.test import Client, TransactionTestCase
from django.urls import reverse

from donations import stripe_events
from donations.models import Donation, WebhookEvent

from . import events
from .factories import CampaignFactory

needs_postgresql = unittest.skipUnless(
    connection.vendor == "postgresql", "needs concurrent transactions (PostgreSQL)"
)


def in_threads(count, work):
    """Run work(index) in `count` threads released together; return the results."""
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait(timeout=30)
            return work(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@needs_postgresql
class ConcurrentWebhookTests(TransactionTestCase):
    def setUp(self):
        self.campaign = CampaignFactory(is_current=True)

    def goal(self):
        return Client().get(reverse("donations:goal")).json()["supporters"]

    def test_same_event_delivered_twice_at_once_records_one_donation(self):
        event = events.checkout_completed(payment_intent="pi_1")

        responses = in_threads(2, lambda index: events.deliver(Client(), event))

        self.assertEqual([r.status_code for r in responses], [200, 200])
        first, second = sorted(response.content for response in responses)
        self.assertEqual(first, b"Already processed.\n")
        self.assertTrue(second.startswith(b"recorded: donation #"), second)
        self.assertEqual(Donation.objects.count(), 1)
        self.assertEqual(WebhookEvent.objects.count(), 1)
        self.assertEqual(self.goal(), 1)

    def test_fifty_distinct_events_at_once_raise_the_count_by_fifty(self):
        self.assertEqual(self.goal(), 0)  # A warm cache, which each event must retire.
        deliveries = [
            events.checkout_completed(
                email=f"reader{index}@example.org", payment_intent=f"pi_{index}"
            )
            for index in range(50)
        ]

        responses = in_threads(
            50, lambda index: events.deliver(Client(), deliveries[index])
        )

        self.assertEqual({r.status_code for r in responses}, {200})
        self.assertEqual(Donation.objects.count(), 50)
        self.assertEqual(self.campaign.count_supporters(), 50)
        self.assertEqual(self.goal(), 50)

    def test_one_new_supporter_paying_twice_at_once_counts_once(self):
        deliveries = [
            events.checkout_completed(
                email="new@example.org", payment_intent=f"pi_{index}"
            )
            for index in range(5)
        ]

        responses = in_threads(
            5, lambda index: events.deliver(Client(), deliveries[index])
        )

        self.assertEqual({r.status_code for r in responses}, {200})
        self.assertEqual(Donation.objects.count(), 5)
        self.assertEqual(self.goal(), 1)

    def test_refund_waits_for_a_transaction_holding_its_payment(self):
        holding = threading.Event()
        finished = {}

        def hold_the_payment():
            with transaction.atomic():
                stripe_events._lock_payments("pi_1")
                holding.set()
                time.sleep(1)
                finished["payment"] = time.monotonic()

        def refund():
            holding.wait(timeout=10)
            events.deliver(Client(), events.charge_refunded(payment_intent="pi_1"))
            finished["refund"] = time.monotonic()

        in_threads(2, lambda index: (hold_the_payment, refund)[index]())

        self.assertGreater(finished["refund"], finished["payment"])
