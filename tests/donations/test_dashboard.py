from datetime import UTC, datetime, timedelta

from django.test import TestCase
from django.urls import reverse

from donations.charts import axis
from donations.dashboard import campaign_dashboard

from .factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
    SupporterFactory,
    fundraiser,
)

START = datetime(2026, 3, 1, tzinfo=UTC)


class CampaignDashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(
            goal=100, starts_at=START, ends_at=START + timedelta(days=10)
        )

    def give(self, day, count=1, supporter=None):
        for _ in range(count):
            DonationFactory(
                received_at=START + timedelta(days=day, hours=12),
                supporter=supporter or SupporterFactory(),
            )

    def test_supporters_per_day_and_cumulative(self):
        returning = SupporterFactory()
        self.give(0, 2)
        self.give(0, supporter=returning)
        self.give(2, supporter=returning)  # Already counted on day 0.
        self.give(2, 3)

        dashboard = campaign_dashboard(
            self.campaign, now=START + timedelta(days=3, hours=1)
        )

        self.assertEqual(
            [(day.date.day, day.new, day.cumulative) for day in dashboard.days],
            [(1, 3, 3), (2, 0, 3), (3, 3, 6), (4, 0, 6)],
        )
        self.assertEqual(dashboard.supporters, self.campaign.count_supporters())

    def test_pace_says_where_the_campaign_should_be(self):
        self.give(0, 10)

        dashboard = campaign_dashboard(self.campaign, now=START + timedelta(days=4))

        self.assertEqual(dashboard.expected_by_now, 40)
        self.assertEqual(dashboard.behind_by, 30)

    def test_projection_follows_the_recent_pace(self):
        self.give(0, 10)
        self.give(1, 10)

        dashboard = campaign_dashboard(
            self.campaign, now=START + timedelta(days=1, hours=13)
        )

        # 20 supporters over two days: 10 a day, 80 to go, 8 more days.
        self.assertEqual(dashboard.recent_rate, 10)
        self.assertEqual(
            dashboard.projected_completion, (START + timedelta(days=9)).date()
        )
        self.assertIs(dashboard.projected_after_end, False)

    def test_projection_past_the_end_is_flagged(self):
        self.give(0, 1)

        dashboard = campaign_dashboard(self.campaign, now=START + timedelta(days=1))

        self.assertIs(dashboard.projected_after_end, True)

    def test_no_projection_without_supporters(self):
        dashboard = campaign_dashboard(self.campaign, now=START + timedelta(days=2))

        self.assertIsNone(dashboard.projected_completion)

    def test_goal_reached_gives_the_day_it_was_reached(self):
        self.give(0, 60)
        self.give(1, 50)

        dashboard = campaign_dashboard(self.campaign, now=START + timedelta(days=3))

        self.assertEqual(dashboard.reached_on, (START + timedelta(days=1)).date())
        self.assertEqual(dashboard.percent, 100.0)
        self.assertEqual(dashboard.progress, 100)

    def test_best_variant_needs_enough_views(self):
        BannerMessageFactory(campaign=self.campaign, views=50, clicks=40)
        steady = BannerMessageFactory(campaign=self.campaign, views=1000, clicks=40)
        BannerMessageFactory(campaign=self.campaign, views=1000, clicks=25)

        dashboard = campaign_dashboard(self.campaign, now=START)

        self.assertEqual(dashboard.best_message, steady)

    def test_no_best_variant_before_enough_views(self):
        BannerMessageFactory(campaign=self.campaign, views=99, clicks=50)

        self.assertIsNone(campaign_dashboard(self.campaign, now=START).best_message)

    def test_chart_spans_the_window_with_the_pace_line(self):
        self.give(0, 50)

        chart = campaign_dashboard(self.campaign, now=START + timedelta(days=5)).chart()

        start, end = chart.pace
        self.assertEqual((start.x, start.y), (chart.LEFT, chart.plot_bottom))
        self.assertEqual((end.x, end.y), (chart.plot_right, chart.goal_y))
        self.assertEqual(chart.now_x, (chart.LEFT + chart.plot_right) / 2)
        self.assertEqual(chart.y_ticks[-1][0], 100)

    def test_dashboard_runs_a_constant_number_of_queries(self):
        self.give(0, 5)
        BannerMessageFactory.create_batch(3, campaign=self.campaign)

        with self.assertNumQueries(2):
            campaign_dashboard(self.campaign, now=START + timedelta(days=2))
        self.give(1, 20)
        with self.assertNumQueries(2):
            campaign_dashboard(self.campaign, now=START + timedelta(days=2))

    def test_axis_rounds_to_a_readable_step(self):
        self.assertEqual(axis(27), (30, 10))
        self.assertEqual(axis(1000), (1000, 250))
        self.assertEqual(axis(0), (1, 1))


class DashboardViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True, goal=1000, name="Spring drive")
        BannerMessageFactory(
            campaign=cls.campaign,
            headline="Keep Factually independent",
            views=400,
            clicks=12,
        )
        DonationFactory.create_batch(3)
        cls.user = fundraiser()

    def setUp(self):
        self.client.force_login(self.user)

    def test_dashboard_shows_progress_chart_pace_projection_and_best_variant(self):
        response = self.client.get(
            reverse("admin:donations_campaign_dashboard", args=[self.campaign.pk])
        )

        self.assertContains(
            response, "<strong>3</strong> of 1,000 supporters (0.3 %)", html=True
        )
        self.assertContains(response, 'role="progressbar"')
        self.assertContains(response, 'aria-valuenow="3"')
        self.assertContains(response, '<polyline class="chart__line"')
        self.assertContains(response, '<line class="chart__pace"')
        self.assertContains(response, "Where we should be by now")
        self.assertContains(response, "Projected completion")
        self.assertContains(
            response, "“Keep Factually independent”: 3.0 % of 400 views clicked."
        )
        self.assertNotContains(response, '<script src="http')
        self.assertNotContains(response, "style=")

    def test_current_dashboard_redirects_to_the_current_campaign(self):
        response = self.client.get(
            reverse("admin:donations_campaign_current_dashboard")
        )

        self.assertRedirects(
            response,
            reverse("admin:donations_campaign_dashboard", args=[self.campaign.pk]),
        )

    def test_unknown_campaign_is_404(self):
        response = self.client.get(
            reverse("admin:donations_campaign_dashboard", args=["nope"])
        )

        self.assertEqual(response.status_code, 404)

    def test_campaign_list_links_to_the_dashboard(self):
        response = self.client.get(reverse("admin:donations_campaign_changelist"))

        self.assertContains(
            response,
            reverse("admin:donations_campaign_dashboard", args=[self.campaign.pk]),
        )
