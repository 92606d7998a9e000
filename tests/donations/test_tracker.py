from django.core.cache import cache
from django.test import TestCase

from donations import payments, tracker
from donations.models import Donation

from .factories import BannerMessageFactory, CampaignFactory, DonationFactory


class TrackerCacheTests(TestCase):
    def test_no_current_campaign_means_no_tracker(self):
        CampaignFactory(is_current=False)

        self.assertIsNone(tracker.current())

    def test_tracker_holds_campaign_active_messages_and_count(self):
        campaign = CampaignFactory(is_current=True)
        active = BannerMessageFactory(campaign=campaign)
        BannerMessageFactory(campaign=campaign, active=False)
        DonationFactory.create_batch(2)

        current = tracker.current()

        self.assertEqual(current.campaign, campaign)
        self.assertEqual(current.messages, (active,))
        self.assertEqual(current.supporters, 2)

    def test_cold_cache_costs_three_queries_and_warm_cache_none(self):
        campaign = CampaignFactory(is_current=True)
        BannerMessageFactory(campaign=campaign)

        with self.assertNumQueries(3):
            tracker.current()
        with self.assertNumQueries(0):
            tracker.current()

    def test_without_a_campaign_the_cold_cache_costs_one_query(self):
        with self.assertNumQueries(1):
            tracker.current()
        with self.assertNumQueries(0):
            self.assertIsNone(tracker.current())

    def test_count_is_not_recomputed_until_invalidated(self):
        CampaignFactory(is_current=True)
        self.assertEqual(tracker.current().supporters, 0)
        DonationFactory()

        self.assertEqual(tracker.current().supporters, 0)
        tracker.invalidate()
        self.assertEqual(tracker.current().supporters, 1)

    def test_a_late_write_from_before_a_commit_is_never_served(self):
        CampaignFactory(is_current=True)
        tracker.current()
        generation = cache.get(tracker.GENERATION_KEY)
        # A slow request read the count before the donation below committed...
        stale = tracker.build()

        with self.captureOnCommitCallbacks(execute=True):
            payments.record_donation(
                email="reader@example.org",
                amount=500,
                currency="USD",
                kind=Donation.Kind.ONE_OFF,
                origin=Donation.Origin.OFFLINE,
                received_at=stale.campaign.starts_at,
            )
        # ...and stores it, as current() does, only after the commit
        # invalidated the cache.
        cache.set_many(
            {
                tracker.VALUE_KEY.format(generation=generation): stale,
                tracker.LATEST_KEY: (generation, stale),
            }
        )

        self.assertEqual(stale.supporters, 0)
        self.assertEqual(tracker.current().supporters, 1)

    def test_invalidation_survives_an_evicted_generation(self):
        CampaignFactory(is_current=True)
        tracker.current()
        DonationFactory()
        cache.delete(tracker.GENERATION_KEY)

        tracker.invalidate()

        self.assertEqual(tracker.current().supporters, 1)

    def test_readers_get_the_last_figure_while_another_process_rebuilds(self):
        CampaignFactory(is_current=True)
        tracker.current()
        DonationFactory()
        tracker.invalidate()
        cache.add(tracker.REBUILD_LOCK_KEY, True)  # Another process is counting.

        with self.assertNumQueries(0):
            self.assertEqual(tracker.current().supporters, 0)

        cache.delete(tracker.REBUILD_LOCK_KEY)  # It finished (or died).
        self.assertEqual(tracker.current().supporters, 1)

    def test_without_a_last_figure_a_reader_rebuilds_even_during_a_rebuild(self):
        CampaignFactory(is_current=True)
        DonationFactory()
        cache.add(tracker.REBUILD_LOCK_KEY, True)

        with self.assertNumQueries(3):
            self.assertEqual(tracker.current().supporters, 1)

        # The other process's lock is its own to release.
        self.assertIs(cache.get(tracker.REBUILD_LOCK_KEY), True)

    def test_a_rebuild_releases_its_lock(self):
        CampaignFactory(is_current=True)

        tracker.current()

        self.assertIsNone(cache.get(tracker.REBUILD_LOCK_KEY))

    def test_invalidate_on_commit_waits_for_the_commit(self):
        CampaignFactory(is_current=True)
        tracker.current()
        DonationFactory()

        with self.captureOnCommitCallbacks() as callbacks:
            tracker.invalidate_on_commit()
            self.assertEqual(tracker.current().supporters, 0)

        self.assertEqual(len(callbacks), 1)
        callbacks[0]()
        self.assertEqual(tracker.current().supporters, 1)


class DefaultMessageTests(TestCase):
    def test_no_messages_has_no_default(self):
        campaign = CampaignFactory.build()

        self.assertIsNone(tracker.Tracker(campaign, (), 0).default_message())

    def test_default_is_the_heaviest_every_time(self):
        campaign = CampaignFactory(is_current=True)
        light = BannerMessageFactory(campaign=campaign, weight=1)
        heavy = BannerMessageFactory(campaign=campaign, weight=3)
        current = tracker.build()

        self.assertEqual(current.messages, (heavy, light))
        self.assertEqual({current.default_message() for _ in range(50)}, {heavy})
