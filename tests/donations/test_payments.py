from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from donations import payments, tracker
from donations.models import Donation, Supporter

from .factories import CampaignFactory, DonationFactory


def gift(**overrides):
    fields = {
        "email": "reader@example.org",
        "amount": 2500,
        "currency": "USD",
        "kind": Donation.Kind.ONE_OFF,
        "origin": Donation.Origin.OFFLINE,
        "received_at": timezone.now() - timedelta(hours=1),
    }
    return {**fields, **overrides}


class RecordDonationTests(TestCase):
    def test_records_the_donation_and_its_supporter(self):
        donation, created = payments.record_donation(**gift(provider_id="chq-1"))

        self.assertIs(created, True)
        self.assertEqual(donation.amount, 2500)
        self.assertEqual(
            donation.supporter.email_hash, Supporter.hash_email("reader@example.org")
        )

    def test_same_person_in_another_case_is_the_same_supporter(self):
        first, _ = payments.record_donation(**gift(email="Reader@Example.org"))
        second, _ = payments.record_donation(**gift(email=" reader@example.org"))

        self.assertEqual(first.supporter, second.supporter)
        self.assertEqual(Supporter.objects.count(), 1)

    def test_email_is_not_kept_unless_asked(self):
        donation, _ = payments.record_donation(**gift())

        self.assertEqual(donation.supporter.email, "")

    def test_email_is_kept_for_receipts_when_asked(self):
        donation, _ = payments.record_donation(**gift(keep_email=True))

        self.assertEqual(donation.supporter.email, "reader@example.org")

    def test_public_name_records_the_consent_time(self):
        donation, _ = payments.record_donation(**gift(display_name="Ada"))

        self.assertEqual(donation.supporter.display_name, "Ada")
        self.assertIsNotNone(donation.supporter.display_name_consented_at)

    def test_a_recorded_provider_id_changes_nothing(self):
        first, _ = payments.record_donation(**gift(provider_id="pi_1"))

        again, created = payments.record_donation(
            **gift(provider_id="pi_1", amount=9999, email="other@example.org")
        )

        self.assertIs(created, False)
        self.assertEqual(again, first)
        self.assertEqual(Donation.objects.get().amount, 2500)
        self.assertEqual(Supporter.objects.count(), 1)

    def test_refused_values_write_nothing(self):
        cases = {
            "amount": (0, "out of range"),
            "currency": ("XYZ", "is not accepted"),
            "email": ("not-an-email", "The email address is not valid."),
            "received_at": (timezone.now() + timedelta(days=2), "in the future"),
        }
        for field, (value, message) in cases.items():
            with (
                self.subTest(field=field),
                self.assertRaisesMessage(payments.DonationError, message),
            ):
                payments.record_donation(**gift(**{field: value}))

        self.assertIs(Donation.objects.exists(), False)
        self.assertIs(Supporter.objects.exists(), False)

    def test_absurd_amounts_are_refused(self):
        for amount in (Donation.MAX_AMOUNT + 1, 10**15, -500, 25.0, True, "500"):
            with (
                self.subTest(amount=amount),
                self.assertRaises(payments.DonationError),
            ):
                payments.record_donation(**gift(amount=amount))

        self.assertIs(Donation.objects.exists(), False)

    def test_recording_a_donation_refreshes_the_tracker(self):
        CampaignFactory(is_current=True)
        self.assertEqual(tracker.current().supporters, 0)

        with self.captureOnCommitCallbacks(execute=True):
            payments.record_donation(**gift())

        self.assertEqual(tracker.current().supporters, 1)


class RefundAndExcludeTests(TestCase):
    def test_refund_stops_the_donation_counting(self):
        campaign = CampaignFactory()
        donation = DonationFactory()

        refunded = payments.refund_donation(
            donation=donation, refunded_at=timezone.now()
        )

        self.assertIs(refunded, True)
        self.assertEqual(campaign.count_supporters(), 0)

    def test_second_refund_changes_nothing(self):
        first_refund = timezone.now() - timedelta(hours=1)
        donation = DonationFactory(refunded_at=first_refund)

        refunded = payments.refund_donation(
            donation=donation, refunded_at=timezone.now()
        )

        self.assertIs(refunded, False)
        donation.refresh_from_db()
        self.assertEqual(donation.refunded_at, first_refund)

    def test_exclusion_needs_a_reason(self):
        donation = DonationFactory()

        with self.assertRaisesMessage(payments.DonationError, "Give the reason"):
            payments.exclude_donation(donation=donation, reason="  ")

        donation.refresh_from_db()
        self.assertEqual(donation.excluded_reason, "")

    def test_excluded_donation_stops_counting(self):
        campaign = CampaignFactory(is_current=True)
        donation = DonationFactory()
        self.assertEqual(tracker.current().supporters, 1)

        with self.captureOnCommitCallbacks(execute=True):
            payments.exclude_donation(donation=donation, reason="Political party")

        self.assertEqual(campaign.count_supporters(), 0)
        self.assertEqual(tracker.current().supporters, 0)
