"""Matching pledges as the fundraiser edits them, and the dashboard's figures."""

from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from donations import payments
from donations.dashboard import campaign_dashboard
from donations.models import Donation, GoalKind, MatchingPledge
from donations.revenue import campaign_money
from factually import pagecache
from factually.models import Invalidation

from .factories import CampaignFactory, DonationFactory, fundraiser, newsroom_editor
from .pledges import MatchingPledgeFactory, named

ADD = reverse("admin:donations_matchingpledge_add")


def moment(value):
    local = timezone.localtime(value)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


class MatchingPledgeAdminTests(TestCase):
    """As the fundraiser."""

    @classmethod
    def setUpTestData(cls):
        cls.user = fundraiser()
        cls.campaign = CampaignFactory(is_current=True)

    def setUp(self):
        self.client.force_login(self.user)
        self.now = timezone.now().replace(microsecond=0)

    def form(self, **overrides):
        starts = moment(self.now - timedelta(hours=1))
        ends = moment(self.now + timedelta(hours=5))
        return {
            "campaign": str(self.campaign.pk),
            "matcher": "The Ada Trust (contact: J. Doe)",
            "public_name": "Ada Trust",
            "public_name_consented_on": timezone.localdate().isoformat(),
            "amount": "5000",
            "starts_at_0": starts[0],
            "starts_at_1": starts[1],
            "ends_at_0": ends[0],
            "ends_at_1": ends[1],
            "matched_gifts-TOTAL_FORMS": "0",
            "matched_gifts-INITIAL_FORMS": "0",
            **overrides,
        }

    def post(self, url=ADD, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, self.form(**overrides))

    def test_fundraiser_adds_a_pledge_readers_see_at_once(self):
        before = pagecache.site_generation()

        response = self.post()

        self.assertEqual(response.status_code, 302)
        pledge = MatchingPledge.objects.get()
        self.assertEqual((pledge.public_name, pledge.amount), ("Ada Trust", 5000))
        [version] = Version.objects.get_for_object(pledge)
        self.assertEqual(version.revision.user, self.user)
        self.assertNotEqual(pagecache.site_generation(), before)
        page = self.client_class().get(reverse("donations:support"))
        self.assertContains(page, "by Ada Trust.")

    def test_saving_schedules_the_pages_to_retire_at_the_end(self):
        self.post()

        ends_at = MatchingPledge.objects.get().ends_at
        self.assertTrue(Invalidation.objects.filter(at=ends_at).exists())

    def test_a_public_name_without_consent_is_refused(self):
        response = self.post(public_name_consented_on="")

        self.assertContains(
            response, "A public name needs the date the matcher consented to it."
        )
        self.assertFalse(MatchingPledge.objects.exists())

    def test_a_window_outside_the_campaign_is_refused(self):
        ends = moment(self.campaign.ends_at + timedelta(days=1))

        response = self.post(ends_at_0=ends[0], ends_at_1=ends[1])

        self.assertContains(response, "The match must run within its campaign")
        self.assertFalse(MatchingPledge.objects.exists())

    def test_an_end_before_the_start_is_refused(self):
        ends = moment(self.now - timedelta(hours=2))

        response = self.post(ends_at_0=ends[0], ends_at_1=ends[1])

        self.assertContains(response, "The match must end after it starts.")
        self.assertFalse(MatchingPledge.objects.exists())

    def test_two_matches_at_once_in_a_campaign_are_refused(self):
        MatchingPledgeFactory(campaign=self.campaign, matcher="Earlier")

        response = self.post()

        self.assertContains(response, "Another match of this campaign runs at the same")
        self.assertEqual(MatchingPledge.objects.count(), 1)

    def test_a_pledge_cannot_be_lowered_below_what_is_matched(self):
        pledge = named(campaign=self.campaign, amount=50)
        payments.record_donation(
            email="reader@example.org",
            amount=3000,
            currency="USD",
            kind=Donation.Kind.ONE_OFF,
            origin=Donation.Origin.OFFLINE,
            received_at=timezone.now(),
        )
        change = reverse("admin:donations_matchingpledge_change", args=[pledge.pk])

        response = self.post(change, amount="20")

        self.assertContains(response, "30.00 USD is already matched")
        pledge.refresh_from_db()
        self.assertEqual(pledge.amount, 50)

    def test_the_change_page_lists_the_matched_gifts(self):
        pledge = named(campaign=self.campaign)
        payments.record_donation(
            email="reader@example.org",
            amount=2500,
            currency="USD",
            kind=Donation.Kind.ONE_OFF,
            origin=Donation.Origin.OFFLINE,
            received_at=timezone.now(),
        )

        response = self.client.get(
            reverse("admin:donations_matchingpledge_change", args=[pledge.pk])
        )

        today = timezone.localdate().isoformat()
        self.assertContains(response, f"25.00 USD on {today}")  # The gift.
        self.assertContains(response, "4,975.00 USD")  # Left.

    def test_marking_a_gift_refunded_gives_its_share_back(self):
        pledge = named(campaign=self.campaign)
        donation, _created = payments.record_donation(
            email="reader@example.org",
            amount=2500,
            currency="USD",
            kind=Donation.Kind.ONE_OFF,
            origin=Donation.Origin.OFFLINE,
            received_at=timezone.now(),
        )

        self.client.post(
            reverse("admin:donations_donation_changelist"),
            {"action": "mark_refunded", "_selected_action": [donation.pk]},
        )

        pledge.refresh_from_db()
        self.assertEqual(pledge.matched, 0)

    def test_excluding_a_gift_in_its_change_form_gives_its_share_back(self):
        pledge = named(campaign=self.campaign)
        donation, _created = payments.record_donation(
            email="reader@example.org",
            amount=2500,
            currency="USD",
            kind=Donation.Kind.ONE_OFF,
            origin=Donation.Origin.OFFLINE,
            received_at=timezone.now(),
        )

        response = self.client.post(
            reverse("admin:donations_donation_change", args=[donation.pk]),
            {
                "refunded_at_0": "",
                "refunded_at_1": "",
                "excluded_reason": "Political organisation",
                "note": "",
            },
        )

        self.assertEqual(response.status_code, 302)
        pledge.refresh_from_db()
        self.assertEqual(pledge.matched, 0)
        self.assertFalse(hasattr(Donation.objects.get(), "match"))

    def test_writer_or_editor_cannot_see_or_add_pledges(self):
        named(campaign=self.campaign)
        self.client.force_login(newsroom_editor())

        for url in (ADD, reverse("admin:donations_matchingpledge_changelist")):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        response = self.post()
        self.assertEqual(response.status_code, 403)
        self.assertEqual(MatchingPledge.objects.count(), 1)


class MatchingDashboardTests(TestCase):
    """As the fundraiser reading the campaign dashboard."""

    @classmethod
    def setUpTestData(cls):
        cls.user = fundraiser()
        cls.campaign = CampaignFactory(
            is_current=True, goal_kind=GoalKind.AMOUNT, goal=1000
        )
        cls.pledge = named(campaign=cls.campaign, amount=30)
        for email in ("a@example.org", "b@example.org"):
            payments.record_donation(
                email=email,
                amount=2000,
                currency="USD",
                kind=Donation.Kind.ONE_OFF,
                origin=Donation.Origin.STRIPE,
                received_at=timezone.now(),
            )

    def test_money_shows_matched_apart_from_the_gifts(self):
        [usd] = campaign_money(self.campaign).currencies

        self.assertEqual((usd.total, usd.matched, usd.gifts), (4000, 3000, 2))

    def test_progress_toward_an_amount_goal_counts_the_match(self):
        dashboard = campaign_dashboard(self.campaign)

        self.assertEqual(dashboard.so_far_display, "$70")

    def test_the_dashboard_page_lists_the_pledge_and_the_matched_money(self):
        self.client.force_login(self.user)

        response = self.client.get(
            reverse("admin:donations_campaign_dashboard", args=[self.campaign.pk])
        )

        self.assertContains(response, '<th scope="col">Matched</th>', html=True)
        # Matched in the money table; pledged and matched in the pledge's row.
        self.assertContains(response, "<td>30.00 USD</td>", html=True, count=3)
        self.assertContains(response, "Matching pledges")
        self.assertContains(response, "<td>0.00 USD</td>", html=True)  # Left.

    def test_money_and_dashboard_queries_stay_the_same(self):
        DonationFactory.create_batch(3, received_at=timezone.now())

        with self.assertNumQueries(6):
            campaign_money(self.campaign)
        with self.assertNumQueries(2):
            campaign_dashboard(self.campaign)
