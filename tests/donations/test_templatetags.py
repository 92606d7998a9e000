from datetime import timedelta

import time_machine
from django.template import engines
from django.template.loader import render_to_string
from django.test import TestCase, override_settings
from django.utils import timezone

from donations import tracker

from .factories import BannerMessageFactory, CampaignFactory, DonationFactory


def render_banner():
    return (
        engines["django"]
        .from_string("{% load donations %}{% donation_banner %}")
        .render()
    )


def render_tracker(supporters, goal=1000):
    """The banner for a made-up count, to check how each state reads."""
    campaign = CampaignFactory.build(pk=7, goal=goal)
    return render_to_string(
        "donations/_banner.html",
        {
            "tracker": tracker.Tracker(campaign, (), supporters),
            "dismiss_days": 7,
        },
    )


class DonationBannerTagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(
            is_current=True, goal=1000, donate_url="https://buy.stripe.com/test_x"
        )
        cls.message = BannerMessageFactory(
            campaign=cls.campaign,
            headline="Keep Factually independent",
            body="We take no money from political groups.",
            suggested_amount="Even a $5 donation helps.",
            button_text="Donate now",
        )
        DonationFactory.create_batch(3)

    def test_banner_shows_message_amount_button_and_tracker(self):
        html = render_banner()

        self.assertInHTML(
            '<p class="donation-banner__headline">Keep Factually independent</p>', html
        )
        self.assertInHTML(
            '<p class="donation-banner__amount">Even a $5 donation helps.</p>', html
        )
        self.assertInHTML(
            '<a class="donation-banner__button" '
            f'href="/support/?variant={self.message.pk}">Donate now</a>',
            html,
        )
        self.assertInHTML(
            '<p class="goal-tracker__goal" id="goal-tracker-label">Goal: 1,000 supporters</p>',
            html,
        )
        self.assertInHTML(
            '<p class="goal-tracker__count" data-tracker-count>'
            "<strong>3</strong> supporters so far</p>",
            html,
        )

    def test_progress_bar_is_a_progressbar_with_its_values(self):
        html = render_banner()

        self.assertIn('role="progressbar"', html)
        self.assertIn('aria-valuemin="0"', html)
        self.assertIn('aria-valuemax="1000"', html)
        self.assertIn('aria-valuenow="3"', html)
        self.assertIn('aria-valuetext="3 of 1,000 supporters"', html)
        self.assertIn('class="goal-tracker__fill" width="0.3%"', html)

    def test_no_loading_placeholder_the_count_is_in_the_html(self):
        html = render_banner()

        self.assertNotIn("Loading", html)
        self.assertIn("<strong>3</strong>", html)

    def test_no_inline_script_or_style(self):
        html = render_banner()

        self.assertNotIn("style=", html)
        self.assertNotIn("<script>", html)
        self.assertIn('<script src="/static/js/donations.js" defer></script>', html)

    def test_every_active_variant_is_rendered_and_one_is_shown(self):
        other = BannerMessageFactory(
            campaign=self.campaign, headline="Facts need funding"
        )
        BannerMessageFactory(
            campaign=self.campaign, headline="Retired copy", active=False
        )
        tracker.invalidate()

        html = render_banner()

        self.assertIn(f'data-message="{self.message.pk}"', html)
        self.assertIn(f'data-message="{other.pk}"', html)
        self.assertNotIn("Retired copy", html)
        self.assertEqual(html.count('class="donation-banner__message"'), 2)
        self.assertEqual(html.count('data-weight="1" hidden'), 1)

    def test_close_button_needs_javascript_so_starts_hidden(self):
        html = render_banner()

        self.assertIn(
            '<button type="button" class="donation-banner__close" data-dismiss hidden>',
            html,
        )
        self.assertIn("Close the donation banner for 7 days", html)

    @override_settings(DONATION_BANNER_DISMISS_DAYS=30)
    def test_dismissal_days_come_from_the_setting(self):
        html = render_banner()

        self.assertIn('data-dismiss-days="30"', html)
        self.assertIn(f'data-campaign="{self.campaign.pk}"', html)

    def test_warm_cache_renders_without_queries(self):
        render_banner()

        with self.assertNumQueries(0):
            html = render_banner()

        self.assertIn("Goal: 1,000 supporters", html)

    def test_cold_cache_renders_with_three_queries(self):
        with self.assertNumQueries(3):
            render_banner()

    def test_default_copy_when_no_message_is_active(self):
        self.message.active = False
        self.message.save()
        tracker.invalidate()

        html = render_banner()

        self.assertIn("Keep Factually independent", html)
        self.assertIn("Goal: 1,000 supporters", html)
        self.assertNotIn("data-message=", html)

    def test_home_page_shows_the_banner(self):
        response = self.client.get("/")

        self.assertContains(response, 'id="donation-banner"')
        self.assertContains(
            response, "<strong>3</strong> supporters so far", html=False
        )
        # The banner's styles come inlined with the site's (factually/stylesheets.py).
        self.assertContains(response, ".donation-banner__inner {")

    def test_a_page_can_opt_out_of_the_ask(self):
        template = engines["django"].from_string(
            '{% extends "base.html" %}'
            "{% block banner %}{% if not no_donation_ask %}{{ block.super }}{% endif %}"
            "{% endblock banner %}"
        )

        self.assertIn(
            'id="donation-banner"', template.render({"no_donation_ask": False})
        )
        self.assertNotIn(
            'id="donation-banner"', template.render({"no_donation_ask": True})
        )

    def test_500_page_has_no_banner_and_runs_no_query(self):
        with self.assertNumQueries(0):
            html = render_to_string("500.html")

        self.assertNotIn('id="donation-banner"', html)


class DonationBannerWindowTests(TestCase):
    def test_no_current_campaign_renders_nothing(self):
        CampaignFactory(is_current=False)

        self.assertEqual(render_banner().strip(), "")

    def test_campaign_not_started_yet_shows_no_banner(self):
        CampaignFactory(is_current=True, starts_at=timezone.now() + timedelta(days=1))

        self.assertEqual(render_banner().strip(), "")

    def test_ended_campaign_shows_no_banner(self):
        campaign = CampaignFactory(is_current=True)

        with time_machine.travel(campaign.ends_at + timedelta(seconds=1)):
            self.assertEqual(render_banner().strip(), "")
        with time_machine.travel(campaign.ends_at - timedelta(seconds=1)):
            self.assertIn("donation-banner", render_banner())


class TrackerWordingTests(TestCase):
    def test_zero_supporters_invites_the_first(self):
        html = render_tracker(0)

        self.assertIn("No supporters yet: be the first.", html)
        self.assertIn('aria-valuenow="0"', html)
        self.assertIn('aria-valuetext="0 of 1,000 supporters"', html)
        self.assertIn('class="goal-tracker__fill" width="0.0%"', html)

    def test_one_supporter_is_singular(self):
        self.assertInHTML(
            '<p class="goal-tracker__count" data-tracker-count>'
            "<strong>1</strong> supporter so far</p>",
            render_tracker(1),
        )

    def test_thousands_are_grouped(self):
        html = render_tracker(1234, goal=5000)

        self.assertIn("<strong>1,234</strong> supporters so far", html)
        self.assertIn("Goal: 5,000 supporters", html)

    def test_over_the_goal_the_bar_is_full_and_says_so(self):
        html = render_tracker(1204)

        self.assertIn(
            "Goal reached: <strong>1,204</strong> supporters so far. Thank you!", html
        )
        self.assertIn('aria-valuenow="1000"', html)
        self.assertIn('aria-valuemax="1000"', html)
        self.assertIn('aria-valuetext="1,204 supporters: goal of 1,000 reached"', html)
        self.assertIn('class="goal-tracker__fill" width="100.0%"', html)

    def test_exactly_at_the_goal_reads_as_reached(self):
        html = render_tracker(1000)

        self.assertIn("Goal reached", html)
        self.assertIn('width="100.0%"', html)
