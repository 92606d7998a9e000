"""A matching pledge in the banner, the goal tracker and /support/, in Chromium."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from donations import payments, tracker
from donations.models import Campaign, Donation, MatchingPledge
from tests.browser.steps import log_in
from tests.browser.test_accessibility import EVERY_IMPACT
from tests.browser.test_editing import axe_violations
from tests.donations.factories import fundraiser
from tests.donations.pledges import named

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def match():
    """The demo campaign with $5,000 pledged by the Ada Trust, $1,250 used."""
    cache.clear()
    call_command("load_demo_donations", verbosity=0)
    campaign = Campaign.objects.current().get()
    now = timezone.now()
    pledge = named(
        campaign=campaign,
        amount=5000,
        starts_at=max(campaign.starts_at, now - timedelta(hours=3)),
        ends_at=min(campaign.ends_at, now + timedelta(hours=9)),
    )
    for index, amount in enumerate((50_000, 50_000, 25_000)):
        payments.record_donation(
            email=f"major{index}@example.org",
            amount=amount,
            currency="USD",
            kind=Donation.Kind.ONE_OFF,
            origin=Donation.Origin.OFFLINE,
            received_at=now - timedelta(minutes=index + 1),
        )
    pledge.refresh_from_db()
    assert pledge.matched == 125_000
    tracker.invalidate()
    yield pledge
    cache.clear()


def test_the_banner_announces_the_match_and_what_is_left(page, match):
    page.visit("/")

    banner = page.locator("#donation-banner")
    notice = banner.locator(".match-notice")
    assert notice.is_visible()
    assert notice.inner_text().startswith("Every gift doubled until")
    assert notice.inner_text().endswith("by Ada Trust.")
    left = banner.locator(".match-left")
    assert left.inner_text() == "$3,750 of the $5,000 match left"
    page.screenshot("donations-banner-match", full_page=False)
    assert axe_violations(page, impacts=EVERY_IMPACT) == []
    assert page.errors == []


def test_the_banner_on_a_phone(phone_page, match):
    phone_page.visit("/")

    assert phone_page.locator(".match-notice").is_visible()
    phone_page.screenshot("donations-banner-match-phone", full_page=False)


def answer_goal_json(page, pledge, match):
    """goal.json as it answers now, while the page shows an older state."""
    campaign = pledge.campaign
    page.route(
        "**/donations/goal.json",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {
                    "campaign": campaign.name,
                    "goal": campaign.goal,
                    "goal_kind": campaign.goal_kind,
                    "currency": campaign.currency,
                    "supporters": 10,
                    "raised": 0,
                    "percent": 1.0,
                    "ends_at": campaign.ends_at.isoformat(),
                    "match": match,
                }
            ),
        ),
    )


def test_a_cached_page_hides_the_match_once_goal_json_says_it_stopped(page, match):
    answer_goal_json(page, match, None)

    page.visit("/")

    assert page.locator("#donation-banner").is_visible()
    page.locator(".match-notice").wait_for(state="hidden")
    assert not page.locator(".match-left").is_visible()
    assert page.errors == []


def test_a_cached_page_shows_what_goal_json_says_is_left(page, match):
    answer_goal_json(
        page,
        match,
        {
            "matcher": "Ada Trust",
            "pledged": 500_000,
            "left": 100_000,
            "ends_at": match.ends_at.isoformat(),
        },
    )

    page.visit("/")

    left = page.locator(".match-left")
    left.get_by_text("$1,000").wait_for()
    assert left.inner_text() == "$1,000 of the $5,000 match left"
    assert page.locator(".match-notice").is_visible()


def test_the_support_page_announces_the_match(page, match):
    with override_settings(STRIPE_SECRET_KEY="sk_test_screenshot"):
        page.visit("/support/")

    notice = page.locator(".support__match")
    assert "Every gift doubled until" in notice.inner_text()
    assert "$3,750 of the $5,000 match left" in notice.inner_text()
    page.screenshot("donations-support-match")
    assert axe_violations(page, impacts=EVERY_IMPACT) == []


def test_fundraiser_reads_the_pledge_and_the_dashboard(page, roles, match):
    log_in(page, fundraiser())

    page.visit(f"/admin/donations/matchingpledge/{match.pk}/change/")
    assert "3,750.00 USD" in page.locator(".field-left").inner_text()
    assert page.locator(".inline-related tbody tr.has_original").count() == 3
    page.screenshot("donations-matching-pledge-admin")

    page.visit(f"/admin/donations/campaign/{match.campaign.pk}/dashboard/")
    pledges = page.locator(".dashboard__matching")
    assert pledges.get_by_role("cell", name="Ada Trust").is_visible()
    money = page.locator(".dashboard__money")
    assert money.get_by_role("columnheader", name="Matched").is_visible()
    assert money.get_by_role("cell", name="1,250.00 USD").is_visible()
    pledges.scroll_into_view_if_needed()
    page.screenshot("donations-dashboard-matching", full_page=False)
    assert page.errors == []


def test_fundraiser_is_told_a_public_name_needs_consent(page, roles, match):
    log_in(page, fundraiser())
    page.visit("/admin/donations/matchingpledge/add/")

    page.select_option("#id_campaign", str(match.campaign.pk))
    page.fill("#id_matcher", "Grace Fund (by phone)")
    page.fill("#id_public_name", "Grace Fund")
    page.fill("#id_amount", "1000")
    # An hour after the running match, inside the campaign: only the
    # missing consent is wrong.
    starts_at = timezone.localtime(match.ends_at + timedelta(minutes=5))
    ends_at = starts_at + timedelta(hours=1)
    assert ends_at <= match.campaign.ends_at
    page.fill("#id_starts_at_0", f"{starts_at:%Y-%m-%d}")
    page.fill("#id_starts_at_1", f"{starts_at:%H:%M:%S}")
    page.fill("#id_ends_at_0", f"{ends_at:%Y-%m-%d}")
    page.fill("#id_ends_at_1", f"{ends_at:%H:%M:%S}")
    page.get_by_role("button", name="Save", exact=True).click()

    # all_inner_texts() does not wait: wait for the answer to the save.
    page.locator(".errorlist").first.wait_for()
    errors = page.locator(".errorlist").all_inner_texts()
    assert any("needs the date the matcher consented" in text for text in errors), (
        errors
    )
    assert MatchingPledge.objects.count() == 1
    page.screenshot("donations-matching-pledge-admin-error")
