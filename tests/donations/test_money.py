"""The dashboard's money figures, amount goals, and the daily digest."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from donations import tracker
from donations.dashboard import campaign_dashboard, daily_digest
from donations.models import Donation, OutgoingEmail
from donations.revenue import campaign_money

from .factories import (
    CampaignFactory,
    DonationFactory,
    SupporterFactory,
    fundraiser,
    newsroom_editor,
)

START = datetime(2026, 3, 1, tzinfo=UTC)
NOW = START + timedelta(days=5)


def give(amount, *, day=1, currency="USD", supporter=None, **fields):
    return DonationFactory(
        amount=amount,
        currency=currency,
        received_at=START + timedelta(days=day, hours=12),
        supporter=supporter or SupporterFactory(),
        **fields,
    )


class CampaignMoneyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(
            starts_at=START, ends_at=START + timedelta(days=30)
        )

    def money(self):
        return campaign_money(self.campaign, now=NOW)

    def test_money_is_raised_by_currency_never_added_across(self):
        give(500)
        give(2500)
        give(1000, currency="EUR")

        [eur, usd] = self.money().currencies

        self.assertEqual((eur.currency, eur.gifts, eur.total), ("EUR", 1, 1000))
        self.assertEqual((usd.currency, usd.gifts, usd.total), ("USD", 2, 3000))
        self.assertEqual(usd.total_display, "30.00 USD")

    def test_average_and_median_gift(self):
        for amount in (500, 500, 1000, 10_000):
            give(amount)

        [usd] = self.money().currencies

        self.assertEqual(usd.average, 3000)
        self.assertEqual(usd.median, 750)
        give(2000)
        [usd] = self.money().currencies
        self.assertEqual(usd.median, 1000)

    def test_refunded_and_excluded_gifts_are_not_raised_but_refunds_are_listed(self):
        give(500)
        give(9900, refunded_at=NOW)
        give(100_000, excluded_reason="political organisation")

        [usd] = self.money().currencies

        self.assertEqual((usd.gifts, usd.total), (1, 500))
        self.assertEqual((usd.refunds, usd.refunded), (1, 9900))

    def test_monthly_recurring_revenue_counts_each_monthly_supporter_once(self):
        monthly = SupporterFactory()
        give(1000, day=-20, supporter=monthly, kind=Donation.Kind.RECURRING)
        give(1500, day=4, supporter=monthly, kind=Donation.Kind.RECURRING)
        give(500, day=3, kind=Donation.Kind.RECURRING)
        lapsed = SupporterFactory()
        give(700, day=-60, supporter=lapsed, kind=Donation.Kind.RECURRING)
        give(5000, day=2)  # One-off: not recurring revenue.

        [usd] = self.money().currencies

        self.assertEqual(usd.monthly_recurring, 2000)
        self.assertEqual(usd.monthly_supporters, 2)

    def test_first_time_and_returning_supporters(self):
        returning = SupporterFactory()
        give(500, day=-40, supporter=returning)
        give(500, day=2, supporter=returning)
        give(500, day=3)
        give(500, day=3)

        money = self.money()

        self.assertEqual((money.first_time, money.returning), (2, 1))

    def test_query_count_does_not_grow_with_gifts(self):
        give(500)

        with self.assertNumQueries(6):  # Totals, refunds, monthly, median, two counts.
            self.money()
        for _ in range(20):
            give(700)
        with self.assertNumQueries(6):
            self.money()


class AmountGoalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(
            is_current=True,
            goal_kind="amount",
            goal=50_000,
            currency="USD",
            starts_at=START,
            ends_at=START + timedelta(days=10),
        )

    def test_the_dashboard_counts_money_in_the_campaign_currency(self):
        give(1_000_000, day=0)
        give(250_000, day=1)
        give(999_999, day=1, currency="EUR")

        dashboard = campaign_dashboard(self.campaign, now=NOW)

        self.assertEqual([day.new for day in dashboard.days[:2]], [10_000, 2_500])
        self.assertEqual(dashboard.so_far_display, "$12,500")
        self.assertEqual(dashboard.goal_display, "$50,000")
        self.assertEqual(dashboard.percent, 25.0)

    def test_the_banner_shows_the_amount_raised(self):
        with time_machine.travel(NOW):
            give(1_250_000)
            tracker.invalidate()

            html = self.client.get(reverse("home")).content.decode()

        self.assertIn("Goal: $50,000 raised", html)
        self.assertIn("<strong>$12,500</strong> raised so far", html)
        self.assertIn('aria-valuenow="12500"', html)

    def test_goal_json_gives_the_amount(self):
        with time_machine.travel(NOW):
            give(1_250_000)
            data = self.client.get(reverse("donations:goal")).json()

        self.assertEqual(
            (data["goal_kind"], data["goal"], data["raised"], data["percent"]),
            ("amount", 50_000, 1_250_000, 25.0),
        )


class MoneyDashboardViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True)
        DonationFactory(amount=2500)
        DonationFactory(amount=500, currency="GBP")
        cls.url = reverse("admin:donations_campaign_dashboard", args=[cls.campaign.pk])

    def test_a_fundraiser_sees_the_money(self):
        self.client.force_login(fundraiser())

        response = self.client.get(self.url)

        self.assertContains(response, "<h2>Money</h2>", html=True)
        self.assertContains(response, "<td>25.00 USD</td>", html=True)
        self.assertContains(response, "<td>5.00 GBP</td>", html=True)
        self.assertContains(response, "Monthly recurring")
        self.assertContains(response, "Median gift")
        self.assertContains(response, "First-time supporters")

    def test_editors_and_writers_are_refused(self):
        writer = get_user_model().objects.create_user("writer", is_staff=True)
        writer.groups.add(Group.objects.get(name="Writer"))
        editor = get_user_model().objects.create_user("editor2", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editor"))
        for user in (writer, editor, newsroom_editor()):
            with self.subTest(user=user.username):
                self.client.force_login(user)

                response = self.client.get(self.url)

                self.assertEqual(response.status_code, 403)
                self.assertNotContains(response, "25.00 USD", status_code=403)

    def test_outgoing_emails_are_fundraising_only(self):
        url = reverse("admin:donations_outgoingemail_changelist")
        self.client.force_login(newsroom_editor())
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(fundraiser("raiser2"))
        self.assertEqual(self.client.get(url).status_code, 200)


class DigestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = fundraiser()
        cls.staff.email = "raise@factually.example"
        cls.staff.save()
        editor = newsroom_editor()
        editor.email = "editor@factually.example"
        editor.save()
        CampaignFactory(
            is_current=True,
            name="Spring drive",
            starts_at=START,
            goal=100,
            ends_at=START + timedelta(days=30),
        )

    def test_the_digest_reports_one_days_figures(self):
        give(500, day=1)
        give(2500, day=1)
        give(1000, day=1, currency="EUR")
        give(700, day=2)  # Another day.
        give(900, day=0, refunded_at=START + timedelta(days=1, hours=3))

        figures = daily_digest((START + timedelta(days=1)).date())

        self.assertEqual(
            figures["by_currency"],
            [
                {"currency": "EUR", "gifts": 1, "total": "10.00 EUR"},
                {"currency": "USD", "gifts": 2, "total": "30.00 USD"},
            ],
        )
        self.assertEqual(figures["new_supporters"], 3)
        self.assertEqual(figures["refunds"], 1)
        self.assertEqual(figures["progress"]["campaign"], "Spring drive")

    def test_the_command_emails_the_fundraising_group_only_once_a_day(self):
        give(500, day=1)
        with time_machine.travel(START + timedelta(days=2, hours=8)):
            with self.captureOnCommitCallbacks(execute=True):
                call_command("send_fundraising_digest", verbosity=0)
            with self.captureOnCommitCallbacks(execute=True):
                call_command("send_fundraising_digest", verbosity=0)

        [message] = mail.outbox
        self.assertEqual(message.to, ["raise@factually.example"])
        self.assertEqual(message.subject, "Factually donations on 2026-03-02: 1 gift")
        self.assertIn("Gifts: 1 (5.00 USD)", message.body)
        self.assertIn("Spring drive:", message.body)
        self.assertEqual(OutgoingEmail.objects.filter(kind="digest").count(), 1)

    def test_dry_run_sends_nothing(self):
        with time_machine.travel(START + timedelta(days=2)):
            call_command("send_fundraising_digest", "--dry-run", verbosity=0)

        self.assertEqual(mail.outbox, [])
        self.assertIs(OutgoingEmail.objects.exists(), False)

    def test_a_bad_or_unfinished_day_is_refused(self):
        with self.assertRaisesMessage(CommandError, "--date must be YYYY-MM-DD"):
            call_command("send_fundraising_digest", "--date", "yesterday")
        with self.assertRaisesMessage(CommandError, "must be over"):
            call_command("send_fundraising_digest", "--date", "2999-01-01")
        self.assertIs(OutgoingEmail.objects.exists(), False)

    def test_without_fundraising_addresses_it_fails_loudly(self):
        get_user_model().objects.filter(pk=self.staff.pk).update(email="")

        with self.assertRaisesMessage(CommandError, "No active Fundraising staff"):
            call_command("send_fundraising_digest", "--date", "2026-03-02")
