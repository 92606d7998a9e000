from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import TestCase, override_settings
from django.utils import timezone

from donations.models import Campaign, Donation, Supporter

from .factories import CampaignFactory, DonationFactory, SupporterFactory


class CampaignTests(TestCase):
    def test_at_most_one_campaign_is_current(self):
        CampaignFactory(is_current=True)

        with self.assertRaises(IntegrityError):
            CampaignFactory(is_current=True)

    def test_second_current_campaign_gets_a_readable_message(self):
        CampaignFactory(is_current=True)
        campaign = CampaignFactory.build(is_current=True)

        with self.assertRaisesMessage(
            ValidationError, "Another campaign is already current. Untick it first."
        ):
            campaign.full_clean()

    def test_any_number_of_campaigns_may_be_not_current(self):
        CampaignFactory.create_batch(3, is_current=False)

        self.assertEqual(Campaign.objects.count(), 3)
        self.assertIs(Campaign.objects.current().exists(), False)

    def test_campaign_must_end_after_it_starts(self):
        now = timezone.now()

        with self.assertRaises(IntegrityError):
            CampaignFactory(starts_at=now, ends_at=now)

    def test_goal_must_be_at_least_one(self):
        with self.assertRaises(IntegrityError):
            CampaignFactory(goal=0)

    def test_donate_url_must_be_https(self):
        campaign = CampaignFactory.build(donate_url="http://donate.example/")

        with self.assertRaisesMessage(ValidationError, "starts with https://"):
            campaign.full_clean()

    def test_percent_of_goal_is_capped_at_100_and_0(self):
        campaign = CampaignFactory.build(goal=1000)

        self.assertEqual(campaign.percent_of_goal(0), 0.0)
        self.assertEqual(campaign.percent_of_goal(412), 41.2)
        self.assertEqual(campaign.percent_of_goal(1000), 100.0)
        self.assertEqual(campaign.percent_of_goal(1204), 100.0)
        self.assertEqual(campaign.percent_of_goal(-5), 0.0)

    def test_percent_of_goal_rounds_to_one_decimal(self):
        campaign = CampaignFactory.build(goal=3)

        self.assertEqual(campaign.percent_of_goal(1), 33.3)

    def test_is_running_between_start_and_end(self):
        campaign = CampaignFactory.build()

        self.assertIs(campaign.is_running(campaign.starts_at), True)
        self.assertIs(campaign.is_running(campaign.ends_at), False)
        self.assertIs(
            campaign.is_running(campaign.starts_at - timedelta(seconds=1)), False
        )


class SupporterTests(TestCase):
    def test_email_hash_ignores_case_and_surrounding_space(self):
        self.assertEqual(
            Supporter.hash_email("  Reader@Example.ORG "),
            Supporter.hash_email("reader@example.org"),
        )

    def test_email_hash_is_keyed(self):
        default = Supporter.hash_email("reader@example.org")

        with override_settings(SUPPORTER_HASH_KEY="another key"):
            other = Supporter.hash_email("reader@example.org")

        self.assertNotEqual(default, other)
        self.assertEqual(len(default), 64)
        self.assertNotIn("reader", default)

    def test_empty_email_cannot_be_hashed(self):
        with self.assertRaisesMessage(ValueError, "An email address is needed"):
            Supporter.hash_email("   ")

    def test_email_hash_is_unique(self):
        SupporterFactory(address="reader@example.org")

        with self.assertRaises(IntegrityError):
            SupporterFactory(address="READER@example.org")

    def test_public_name_needs_consent(self):
        with self.assertRaises(IntegrityError):
            SupporterFactory(display_name="Ada")

    def test_public_name_with_consent_is_kept(self):
        supporter = SupporterFactory(
            display_name="Ada", display_name_consented_at=timezone.now()
        )

        self.assertEqual(str(supporter), "Ada")

    def test_str_never_shows_the_email(self):
        supporter = SupporterFactory(email="reader@example.org")

        self.assertEqual(str(supporter), f"Supporter #{supporter.pk}")


class DonationTests(TestCase):
    def test_amount_must_be_positive(self):
        with self.assertRaises(IntegrityError):
            DonationFactory(amount=0)

    def test_absurd_amount_is_refused_by_the_database(self):
        with self.assertRaises(IntegrityError):
            DonationFactory(amount=Donation.MAX_AMOUNT + 1)

    def test_largest_allowed_amount_is_kept(self):
        donation = DonationFactory(amount=Donation.MAX_AMOUNT)

        self.assertEqual(donation.amount_display(), "1,000,000.00 USD")

    def test_currency_outside_the_allow_list_is_refused(self):
        with self.assertRaises(IntegrityError):
            DonationFactory(currency="XYZ")

    def test_a_provider_id_is_recorded_once(self):
        DonationFactory(provider_id="pi_1")

        with self.assertRaises(IntegrityError):
            DonationFactory(provider_id="pi_1", origin=Donation.Origin.IMPORT)

    def test_donations_without_provider_id_do_not_clash(self):
        DonationFactory.create_batch(2, provider_id="")

        self.assertEqual(Donation.objects.count(), 2)

    def test_full_clean_explains_a_duplicate_provider_id(self):
        DonationFactory(provider_id="pi_1")
        donation = DonationFactory.build(
            provider_id="pi_1", supporter=SupporterFactory()
        )

        with self.assertRaisesMessage(
            ValidationError, "A donation with this provider id is already recorded."
        ):
            donation.full_clean()

    def test_amount_display_uses_major_units(self):
        donation = DonationFactory.build(amount=2550, currency="EUR")

        self.assertEqual(donation.amount_display(), "25.50 EUR")

    def test_refunded_or_excluded_donation_is_not_counted(self):
        self.assertIs(DonationFactory.build().is_counted(), True)
        self.assertIs(
            DonationFactory.build(refunded_at=timezone.now()).is_counted(), False
        )
        self.assertIs(
            DonationFactory.build(excluded_reason="Political group").is_counted(), False
        )
