from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from donations.models import Supporter

from .factories import CampaignFactory, DonationFactory, SupporterFactory


class SupporterCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=10)
        cls.campaign = CampaignFactory(
            starts_at=start, ends_at=start + timedelta(days=30)
        )

    def test_campaign_without_donations_has_no_supporters(self):
        self.assertEqual(self.campaign.count_supporters(), 0)

    def test_donation_in_the_window_counts(self):
        DonationFactory(received_at=self.campaign.starts_at + timedelta(days=1))

        self.assertEqual(self.campaign.count_supporters(), 1)

    def test_donation_at_the_start_counts(self):
        DonationFactory(received_at=self.campaign.starts_at)

        self.assertEqual(self.campaign.count_supporters(), 1)

    def test_donation_before_the_start_does_not_count(self):
        DonationFactory(received_at=self.campaign.starts_at - timedelta(seconds=1))

        self.assertEqual(self.campaign.count_supporters(), 0)

    def test_donation_at_the_end_does_not_count(self):
        DonationFactory(received_at=self.campaign.ends_at)

        self.assertEqual(self.campaign.count_supporters(), 0)

    def test_supporter_with_several_donations_counts_once(self):
        supporter = SupporterFactory()
        DonationFactory.create_batch(3, supporter=supporter)

        self.assertEqual(self.campaign.count_supporters(), 1)

    def test_distinct_supporters_each_count(self):
        DonationFactory.create_batch(4)

        self.assertEqual(self.campaign.count_supporters(), 4)

    def test_refunded_donation_does_not_count(self):
        DonationFactory(refunded_at=timezone.now())

        self.assertEqual(self.campaign.count_supporters(), 0)

    def test_excluded_donation_does_not_count(self):
        DonationFactory(excluded_reason="Political organisation")

        self.assertEqual(self.campaign.count_supporters(), 0)

    def test_supporter_still_counts_when_another_donation_qualifies(self):
        supporter = SupporterFactory()
        DonationFactory(supporter=supporter, refunded_at=timezone.now())
        DonationFactory(supporter=supporter)

        self.assertEqual(self.campaign.count_supporters(), 1)

    def test_another_donation_outside_the_window_does_not_rescue_a_refund(self):
        supporter = SupporterFactory()
        DonationFactory(supporter=supporter, refunded_at=timezone.now())
        DonationFactory(
            supporter=supporter, received_at=self.campaign.starts_at - timedelta(days=1)
        )

        self.assertEqual(self.campaign.count_supporters(), 0)

    def test_campaigns_count_their_own_windows(self):
        earlier = CampaignFactory(
            starts_at=self.campaign.starts_at - timedelta(days=60),
            ends_at=self.campaign.starts_at,
        )
        DonationFactory(received_at=earlier.starts_at + timedelta(days=1))
        DonationFactory.create_batch(2)

        self.assertEqual(earlier.count_supporters(), 1)
        self.assertEqual(self.campaign.count_supporters(), 2)

    def test_counting_is_one_query(self):
        DonationFactory.create_batch(5)

        with self.assertNumQueries(1):
            self.assertEqual(self.campaign.count_supporters(), 5)

    def test_for_campaign_lists_each_supporter_once(self):
        supporter = SupporterFactory()
        DonationFactory.create_batch(2, supporter=supporter)

        self.assertQuerySetEqual(
            Supporter.objects.for_campaign(self.campaign), [supporter]
        )
