from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from donations import tracker
from donations.models import BannerMessage, Campaign, Donation


class LoadDemoDonationsTests(TestCase):
    def load(self):
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("load_demo_donations", stdout=out)
        return out.getvalue()

    def test_loads_a_current_campaign_partly_full(self):
        output = self.load()

        campaign = Campaign.objects.current().get()
        supporters = campaign.count_supporters()
        self.assertEqual(campaign.goal, 1000)
        self.assertGreater(supporters, 200)
        self.assertLess(supporters, 1000)
        self.assertIn(f"{supporters} of 1000 supporters", output)
        self.assertEqual(tracker.current().supporters, supporters)

    def test_donations_are_spread_over_the_past_weeks(self):
        self.load()

        campaign = Campaign.objects.get()
        days = {
            d.date() for d in Donation.objects.values_list("received_at", flat=True)
        }
        self.assertGreater(len(days), 20)
        this_drive = Donation.objects.exclude(provider_id__endswith="-earlier")
        self.assertTrue(
            all(
                campaign.starts_at <= d.received_at < campaign.ends_at
                for d in this_drive
            )
        )
        # Returning supporters gave to an earlier drive.
        earlier = Donation.objects.filter(provider_id__endswith="-earlier")
        self.assertGreater(earlier.count(), 20)
        self.assertTrue(all(d.received_at < campaign.starts_at for d in earlier))

    def test_banner_variants_have_views_and_clicks(self):
        self.load()

        messages = BannerMessage.objects.all()
        self.assertEqual(len(messages), 3)
        self.assertTrue(all(m.views > 0 and m.clicks > 0 for m in messages))

    def test_running_twice_changes_nothing(self):
        self.load()
        counts = (
            Campaign.objects.count(),
            BannerMessage.objects.count(),
            Donation.objects.count(),
        )

        output = self.load()

        self.assertEqual(
            (
                Campaign.objects.count(),
                BannerMessage.objects.count(),
                Donation.objects.count(),
            ),
            counts,
        )
        self.assertIn("0 demo donations added", output)
