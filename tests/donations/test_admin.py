import csv
import io
from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from donations import tracker
from donations.models import Campaign, Donation, Supporter

from .factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
    SupporterFactory,
    fundraiser,
)


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = fundraiser()

    def setUp(self):
        self.client.force_login(self.user)


class CampaignAdminTests(AdminTestCase):
    def campaign_form(self, **overrides):
        now = timezone.now()
        data = {
            "name": "Autumn drive",
            "goal_kind": "supporters",
            "goal": "1000",
            "currency": "USD",
            "banner_views_per_day": "0",
            "starts_at_0": (now - timedelta(days=1)).strftime("%Y-%m-%d"),
            "starts_at_1": "00:00:00",
            "ends_at_0": (now + timedelta(days=30)).strftime("%Y-%m-%d"),
            "ends_at_1": "00:00:00",
            "donate_url": "https://buy.stripe.com/test_1",
            "is_current": "on",
        }
        return {**data, **overrides}

    def test_adding_a_current_campaign_shows_it_to_readers(self):
        self.assertIsNone(tracker.current())

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("admin:donations_campaign_add"), self.campaign_form()
            )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(tracker.current().campaign.name, "Autumn drive")

    def test_goal_change_is_kept_as_a_revision(self):
        campaign = CampaignFactory(goal=1000)
        url = reverse("admin:donations_campaign_change", args=[campaign.pk])

        self.client.post(url, self.campaign_form(goal="1500", name=campaign.name))
        self.client.post(url, self.campaign_form(goal="2000", name=campaign.name))

        goals = [v.field_dict["goal"] for v in Version.objects.get_for_object(campaign)]
        self.assertEqual(goals, [2000, 1500])

    def test_second_current_campaign_gets_a_form_error(self):
        CampaignFactory(is_current=True)

        response = self.client.post(
            reverse("admin:donations_campaign_add"), self.campaign_form()
        )

        self.assertContains(response, "Another campaign is already current.")
        self.assertEqual(Campaign.objects.count(), 1)

    def test_end_before_start_gets_a_form_error(self):
        response = self.client.post(
            reverse("admin:donations_campaign_add"),
            self.campaign_form(ends_at_0="2020-01-01", is_current=""),
        )

        self.assertContains(response, "The campaign must end after it starts.")
        self.assertIs(Campaign.objects.exists(), False)

    def test_absurd_goal_gets_a_form_error(self):
        response = self.client.post(
            reverse("admin:donations_campaign_add"), self.campaign_form(goal="0")
        )

        self.assertContains(
            response, "Ensure this value is greater than or equal to 1."
        )
        self.assertIs(Campaign.objects.exists(), False)

    def test_make_current_action_switches_the_current_campaign(self):
        old = CampaignFactory(is_current=True, name="Old")
        new = CampaignFactory(name="New")
        tracker.current()

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:donations_campaign_changelist"),
                {"action": "make_current", "_selected_action": [new.pk]},
            )

        old.refresh_from_db()
        new.refresh_from_db()
        self.assertIs(old.is_current, False)
        self.assertIs(new.is_current, True)
        self.assertEqual(tracker.current().campaign, new)
        self.assertEqual(LogEntry.objects.filter(action_flag=CHANGE).count(), 2)


class BannerMessageAdminTests(AdminTestCase):
    def test_list_shows_views_clicks_and_click_through_rate(self):
        BannerMessageFactory(headline="Keep Factually independent", views=200, clicks=7)
        BannerMessageFactory(headline="Brand new", views=0, clicks=0)

        response = self.client.get(reverse("admin:donations_bannermessage_changelist"))

        self.assertContains(
            response, '<td class="field-click_through_rate">3.5 %</td>', html=True
        )
        self.assertContains(
            response, '<td class="field-click_through_rate">—</td>', html=True
        )

    def test_list_can_be_ordered_by_click_through_rate(self):
        BannerMessageFactory(headline="Weak", views=100, clicks=1)
        BannerMessageFactory(headline="Strong", views=100, clicks=9)

        response = self.client.get(
            reverse("admin:donations_bannermessage_changelist"), {"o": "-7"}
        )

        content = response.content.decode()
        self.assertLess(content.index("Strong"), content.index("Weak"))

    def test_editing_a_message_updates_the_banner(self):
        message = BannerMessageFactory(
            campaign=CampaignFactory(is_current=True), headline="Old copy"
        )
        self.assertEqual(tracker.current().messages[0].headline, "Old copy")

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:donations_bannermessage_change", args=[message.pk]),
                {
                    "campaign": message.campaign.pk,
                    "headline": "New copy",
                    "body": message.body,
                    "suggested_amount": "",
                    "button_text": "Donate",
                    "weight": "1",
                    "active": "on",
                },
            )

        self.assertEqual(tracker.current().messages[0].headline, "New copy")

    def test_counters_cannot_be_edited(self):
        message = BannerMessageFactory(views=10, clicks=1)

        response = self.client.get(
            reverse("admin:donations_bannermessage_change", args=[message.pk])
        )

        self.assertNotContains(response, 'name="views"')
        self.assertNotContains(response, 'name="clicks"')


class DonationAdminTests(AdminTestCase):
    def test_list_filters_by_campaign_window(self):
        campaign = CampaignFactory()
        DonationFactory(provider_id="inside")
        DonationFactory(
            provider_id="before", received_at=campaign.starts_at - timedelta(days=1)
        )

        response = self.client.get(
            reverse("admin:donations_donation_changelist"), {"campaign": campaign.pk}
        )

        self.assertContains(response, "inside")
        self.assertNotContains(response, "before")

    def test_list_filters_refunded_excluded_origin_and_currency(self):
        DonationFactory(provider_id="plain")
        DonationFactory(provider_id="refunded", refunded_at=timezone.now())
        DonationFactory(provider_id="excluded", excluded_reason="Political party")
        DonationFactory(
            provider_id="euros", currency="EUR", origin=Donation.Origin.STRIPE
        )
        url = reverse("admin:donations_donation_changelist")
        cases = [
            ({"refunded": "yes"}, {"refunded"}),
            ({"excluded": "yes"}, {"excluded"}),
            ({"origin__exact": "stripe"}, {"euros"}),
            ({"currency__exact": "EUR"}, {"euros"}),
            ({"refunded": "no", "excluded": "no"}, {"plain", "euros"}),
        ]
        for query, expected in cases:
            with self.subTest(query=query):
                response = self.client.get(url, query)
                shown = {d.provider_id for d in response.context["cl"].result_list}
                self.assertEqual(shown, expected)

    def test_unknown_campaign_filter_shows_nothing(self):
        CampaignFactory()
        DonationFactory()

        response = self.client.get(
            reverse("admin:donations_donation_changelist"), {"campaign": "nope"}
        )

        self.assertEqual(list(response.context["cl"].result_list), [])

    def test_search_finds_a_supporter_by_an_email_that_was_not_kept(self):
        DonationFactory(supporter__address="ada@example.org", provider_id="ada-gift")
        DonationFactory(provider_id="someone-else")

        response = self.client.get(
            reverse("admin:donations_donation_changelist"), {"q": "ADA@example.org"}
        )

        shown = [d.provider_id for d in response.context["cl"].result_list]
        self.assertEqual(shown, ["ada-gift"])

    def test_csv_export(self):
        supporter = SupporterFactory(
            email="ada@example.org",
            display_name="=HYPERLINK(1)",
            display_name_consented_at=timezone.now(),
        )
        donation = DonationFactory(
            supporter=supporter, amount=2550, provider_id="chq-1"
        )

        response = self.client.post(
            reverse("admin:donations_donation_changelist"),
            {"action": "export_csv", "_selected_action": [donation.pk]},
        )

        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["amount"], "25.50")
        self.assertEqual(rows[0]["provider_id"], "chq-1")
        self.assertEqual(rows[0]["email"], "ada@example.org")
        # A name that looks like a formula is never run by a spreadsheet.
        self.assertEqual(rows[0]["public_name"], "'=HYPERLINK(1)")

    def test_mark_refunded_action_stops_counting_and_is_logged(self):
        campaign = CampaignFactory(is_current=True)
        donation = DonationFactory()
        self.assertEqual(tracker.current().supporters, 1)

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:donations_donation_changelist"),
                {"action": "mark_refunded", "_selected_action": [donation.pk]},
            )

        donation.refresh_from_db()
        self.assertIsNotNone(donation.refunded_at)
        self.assertEqual(campaign.count_supporters(), 0)
        self.assertEqual(tracker.current().supporters, 0)
        self.assertEqual(
            LogEntry.objects.get().get_change_message(), "Marked as refunded."
        )

    def test_excluding_from_the_change_form_is_logged_and_stops_counting(self):
        campaign = CampaignFactory(is_current=True)
        donation = DonationFactory(amount=500)
        tracker.current()

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("admin:donations_donation_change", args=[donation.pk]),
                {
                    "refunded_at_0": "",
                    "refunded_at_1": "",
                    "excluded_reason": "Political organisation",
                    "note": "",
                    # Read-only facts: a forged value is ignored.
                    "amount": "999999",
                },
            )

        self.assertEqual(response.status_code, 302)
        donation.refresh_from_db()
        self.assertEqual(donation.excluded_reason, "Political organisation")
        self.assertEqual(donation.amount, 500)
        self.assertEqual(campaign.count_supporters(), 0)
        self.assertEqual(tracker.current().supporters, 0)
        self.assertIn("Excluded because", LogEntry.objects.get().get_change_message())

    def test_donations_cannot_be_deleted(self):
        donation = DonationFactory()

        response = self.client.post(
            reverse("admin:donations_donation_delete", args=[donation.pk]),
            {"post": "yes"},
        )

        self.assertEqual(response.status_code, 403)
        self.assertIs(Donation.objects.exists(), True)


class OfflineGiftTests(AdminTestCase):
    url = reverse("admin:donations_donation_add")

    def gift(self, **overrides):
        received = timezone.now() - timedelta(days=1)
        data = {
            "email": "ada@example.org",
            "amount": "25.00",
            "currency": "USD",
            "kind": "one_off",
            "received_at_0": received.strftime("%Y-%m-%d"),
            "received_at_1": received.strftime("%H:%M:%S"),
            "provider_id": "chq-100",
            "display_name": "",
            "note": "Cheque by post",
        }
        return {**data, **overrides}

    def test_offline_gift_is_recorded_and_counted(self):
        campaign = CampaignFactory(is_current=True)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, self.gift())

        donation = Donation.objects.get()
        self.assertRedirects(
            response, reverse("admin:donations_donation_change", args=[donation.pk])
        )
        self.assertEqual(donation.amount, 2500)
        self.assertEqual(donation.origin, Donation.Origin.OFFLINE)
        self.assertEqual(donation.supporter.email, "")
        self.assertEqual(tracker.current().supporters, 1)
        self.assertEqual(campaign.count_supporters(), 1)
        self.assertEqual(
            LogEntry.objects.get().get_change_message(), "Entered an offline gift."
        )

    def test_email_is_kept_only_for_a_receipt(self):
        self.client.post(self.url, self.gift(keep_email="on"))

        self.assertEqual(Supporter.objects.get().email, "ada@example.org")

    def test_bad_input_gets_a_message_and_records_nothing(self):
        cases = [
            (
                {"amount": "0"},
                "The amount must be more than zero and at most 1,000,000.",
            ),
            (
                {"amount": "1000000000"},
                "The amount must be more than zero and at most 1,000,000.",
            ),
            (
                {"amount": "12.345"},
                "Write the amount like 25.00, with at most 2 decimal places "
                "(not “12.345”).",
            ),
            (
                {"amount": "-5"},
                "Write the amount like 25.00, without a sign (not “-5”).",
            ),
            (
                {"currency": "XYZ"},
                "Select a valid choice. XYZ is not one of the available choices.",
            ),
            ({"email": "nobody"}, "Enter a valid email address."),
            (
                {"received_at_0": "2999-01-01"},
                "A gift cannot be received in the future.",
            ),
            (
                {"display_name": "Ada"},
                "A public name needs the supporter&#x27;s consent.",
            ),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.client.post(self.url, self.gift(**data))
                self.assertContains(response, message)

        self.assertIs(Donation.objects.exists(), False)
        self.assertIs(Supporter.objects.exists(), False)

    def test_a_reference_already_recorded_is_refused(self):
        DonationFactory(provider_id="chq-100")

        response = self.client.post(self.url, self.gift(email="other@example.org"))

        self.assertContains(response, "This reference is already recorded")
        self.assertEqual(Donation.objects.count(), 1)
        self.assertEqual(Supporter.objects.count(), 1)


class SupporterAdminTests(AdminTestCase):
    def test_supporter_page_lists_donations(self):
        supporter = SupporterFactory()
        DonationFactory(supporter=supporter, amount=1234)

        response = self.client.get(
            reverse("admin:donations_supporter_change", args=[supporter.pk])
        )

        self.assertContains(response, "12.34 USD")

    def test_email_must_belong_to_the_supporter(self):
        supporter = SupporterFactory(address="ada@example.org")
        url = reverse("admin:donations_supporter_change", args=[supporter.pk])
        form = {
            "display_name": "",
            "display_name_consented_at_0": "",
            "display_name_consented_at_1": "",
            "donations-TOTAL_FORMS": "0",
            "donations-INITIAL_FORMS": "0",
        }

        refused = self.client.post(url, {**form, "email": "grace@example.org"})
        accepted = self.client.post(url, {**form, "email": "Ada@example.org"})

        self.assertContains(refused, "a different address is a different supporter")
        self.assertEqual(accepted.status_code, 302)
        supporter.refresh_from_db()
        self.assertEqual(supporter.email, "Ada@example.org")

    def test_supporters_are_not_added_by_hand(self):
        response = self.client.get(reverse("admin:donations_supporter_add"))

        self.assertEqual(response.status_code, 403)


class WebhookEventAdminTests(AdminTestCase):
    def test_webhook_events_are_read_only(self):
        response = self.client.get(reverse("admin:donations_webhookevent_changelist"))

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, reverse("admin:donations_webhookevent_add"))
