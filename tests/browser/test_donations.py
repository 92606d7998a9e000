"""The donation banner, goal tracker and campaign dashboard in a real Chromium."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from donations import tracker
from donations.models import BannerMessage, Campaign, Donation
from factually import pagecache
from tests.browser.steps import log_in
from tests.donations.factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
)
from tests.donations.stripe_server import running_fake_stripe
from tests.donations.test_templatetags import render_tracker
from tests.roles import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DONATE_URL = "https://donate.example/give"
CLOSED_KEY = "factually.donationBanner.closedUntil.{}"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign():
    """A current campaign with one banner message and three supporters."""
    campaign = CampaignFactory(is_current=True, goal=1000, donate_url=DONATE_URL)
    BannerMessageFactory(
        campaign=campaign,
        headline="Keep Factually independent",
        body="We take no money from political groups.",
        suggested_amount="Even a $5 donation helps.",
    )
    DonationFactory.create_batch(3)
    return campaign


@pytest.fixture
def demo():
    """The demo campaign that `make run` shows."""
    call_command("load_demo_donations", verbosity=0)
    tracker.invalidate()
    return Campaign.objects.current().get()


def wait_for(condition, timeout=5):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("Timed out waiting for the condition.")
        time.sleep(0.05)


def progressbar_node(page):
    """The progress bar as the accessibility tree presents it to a screen reader."""
    session = page.context.new_cdp_session(page.page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    [node] = [n for n in nodes if n.get("role", {}).get("value") == "progressbar"]
    properties = {p["name"]: p["value"].get("value") for p in node["properties"]}
    return node["name"]["value"], node["value"]["value"], properties


def text(locator):
    return " ".join(locator.inner_text().split())


def test_banner_count_matches_goal_json(page, demo):
    page.visit("/")
    page.wait_for_load_state("networkidle")

    data = page.evaluate("fetch('/donations/goal.json').then(r => r.json())")
    assert data["supporters"] == demo.count_supporters()
    count = page.locator("[data-tracker-count] strong")
    assert count.inner_text() == f"{data['supporters']:,}"
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == str(
        data["supporters"]
    )
    assert page.locator(".donation-banner__message:visible").count() == 1
    assert page.errors == []


def test_progress_bar_is_announced_with_its_value(page, demo):
    page.visit("/")
    page.wait_for_load_state("networkidle")

    name, value, properties = progressbar_node(page)
    supporters = demo.count_supporters()
    assert name == "Goal: 1,000 supporters"
    assert value == supporters
    assert (properties["valuemin"], properties["valuemax"]) == (0, 1000)
    bar = page.get_by_role("progressbar", name="Goal: 1,000 supporters")
    assert bar.get_attribute("aria-valuetext") == f"{supporters} of 1,000 supporters"
    assert page.errors == []


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_banner_screenshots(request, width, demo):
    page = request.getfixturevalue("phone_page" if width == "phone" else "page")

    page.visit("/")
    page.wait_for_load_state("networkidle")

    banner = page.locator("#donation-banner")
    assert banner.is_visible()
    assert page.locator(".donation-banner__close").is_visible()
    # The bar's fill matches the share of the goal reached.
    fill = page.locator(".goal-tracker__fill").bounding_box()
    track = page.locator(".goal-tracker__track").bounding_box()
    assert fill["width"] / track["width"] == pytest.approx(
        demo.count_supporters() / 1000, abs=0.01
    )
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.screenshot(f"donations-banner-{width}", full_page=False)
    assert page.errors == []


def test_closing_the_banner_hides_it_on_reload(page, campaign):
    page.visit("/")
    page.get_by_role("button", name="Close the donation banner for 7 days").click()

    assert page.locator("#donation-banner").is_hidden()
    assert page.evaluate("document.activeElement.id") == "main"
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator("#donation-banner").is_hidden()
    closed_for = page.evaluate(
        f"Number(localStorage.getItem('{CLOSED_KEY.format(campaign.pk)}')) - Date.now()"
    )
    assert closed_for == pytest.approx(7 * 24 * 3600 * 1000, abs=60_000)
    assert page.context.cookies() == []
    assert page.errors == []


def test_a_new_campaign_shows_the_banner_again(page, campaign):
    page.visit("/")
    page.get_by_role("button", name=re.compile("Close the donation banner")).click()
    campaign.is_current = False
    campaign.save()
    CampaignFactory(is_current=True, name="Next drive")
    tracker.invalidate()
    pagecache.invalidate_all()  # As the admin does for a campaign change.

    page.reload()
    page.wait_for_load_state("load")

    assert page.locator("#donation-banner").is_visible()
    assert page.errors == []


def test_banner_shows_again_once_the_closing_expires(page, campaign):
    page.visit("/")
    page.evaluate(
        f"localStorage.setItem('{CLOSED_KEY.format(campaign.pk)}', String(Date.now() - 1000))"
    )

    page.reload()
    page.wait_for_load_state("load")

    assert page.locator("#donation-banner").is_visible()


def test_views_and_clicks_are_counted_per_variant(page, campaign):
    message = BannerMessage.objects.get()

    page.visit("/")
    wait_for(lambda: BannerMessage.objects.get().views == 1)
    page.get_by_role("link", name="Donate").click()
    page.wait_for_url(f"**/support/?variant={message.pk}")

    wait_for(lambda: BannerMessage.objects.get().clicks == 1)
    message.refresh_from_db()
    assert (message.views, message.clicks) == (1, 1)
    assert page.context.cookies() == []
    assert page.errors == []


def test_tracker_refreshes_from_goal_json(page, campaign):
    # A page cached an hour ago said 3; goal.json now knows better.
    page.route(
        "**/donations/goal.json",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {
                    "campaign": campaign.name,
                    "goal": 1000,
                    "supporters": 1204,
                    "percent": 100.0,
                    "ends_at": campaign.ends_at.isoformat(),
                }
            ),
        ),
    )

    page.visit("/")

    count = page.locator("[data-tracker-count]")
    count.get_by_text("Goal reached").wait_for()
    assert text(count) == "Goal reached: 1,204 supporters so far. Thank you!"
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "1000"
    assert (
        bar.get_attribute("aria-valuetext") == "1,204 supporters: goal of 1,000 reached"
    )
    assert page.locator(".goal-tracker__fill").get_attribute("width") == "100%"
    assert page.errors == []


@pytest.mark.parametrize("supporters", [0, 1, 412, 1000, 1204])
def test_refreshed_tracker_reads_as_the_server_renders_it(page, campaign, supporters):
    server = render_tracker(supporters)
    page.route(
        "**/donations/goal.json",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {
                    "campaign": campaign.name,
                    "goal": 1000,
                    "supporters": supporters,
                    "percent": min(supporters / 10, 100),
                    "ends_at": campaign.ends_at.isoformat(),
                }
            ),
        ),
    )
    with page.expect_response("**/donations/goal.json"):
        page.visit("/")
    page.wait_for_load_state("networkidle")

    shown = text(page.locator("[data-tracker-count]"))
    page.set_content(server)  # The same markup, as the server would send it.
    assert shown == text(page.locator("[data-tracker-count]"))


def test_tracker_ignores_figures_of_another_campaign(page, campaign):
    page.route(
        "**/donations/goal.json",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {"campaign": "Another", "goal": 10, "supporters": 9, "percent": 90}
            ),
        ),
    )
    with page.expect_response("**/donations/goal.json"):
        page.visit("/")
    page.wait_for_load_state("networkidle")

    assert text(page.locator("[data-tracker-count]")) == "3 supporters so far"


def test_without_javascript_the_banner_still_works(page_factory, campaign):
    page = page_factory(java_script_enabled=False)

    page.visit("/")

    assert page.locator("#donation-banner").is_visible()
    assert text(page.locator("[data-tracker-count]")) == "3 supporters so far"
    message = BannerMessage.objects.get()
    assert (
        page.get_by_role("link", name="Donate").get_attribute("href")
        == f"/support/?variant={message.pk}"
    )
    assert page.locator(".donation-banner__close").is_hidden()


def log_in_as_fundraiser(page):
    # Transactional tests flush the database after each test, taking the
    # group that the data migration made with it: make it again if needed.
    group, _ = Group.objects.get_or_create(name="Fundraising")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="donations")
    )
    user = get_user_model().objects.create_user(
        "fundraiser", password=PASSWORD, is_staff=True
    )
    user.groups.add(group)
    log_in(page, user)


def test_dashboard_screenshot(page, demo):
    log_in_as_fundraiser(page)

    page.visit(f"/admin/donations/campaign/{demo.pk}/dashboard/")

    supporters = demo.count_supporters()
    assert page.locator("h1").inner_text() == "Reader drive: progress"
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == str(
        supporters
    )
    assert page.get_by_role("img", name=re.compile("Supporters so far")).is_visible()
    assert page.locator(".chart__bar").count() > 20
    assert page.get_by_text("Best banner variant").is_visible()
    page.screenshot("donations-dashboard")
    assert page.errors == []


def test_fundraiser_enters_an_offline_gift(page, campaign):
    log_in_as_fundraiser(page)
    page.visit("/admin/donations/donation/add/")

    page.fill("#id_email", "ada@example.org")
    page.fill("#id_amount", "25.00")
    page.get_by_role("button", name=re.compile(r"^Today")).click()
    page.get_by_role("button", name=re.compile(r"^Now")).first.click()
    page.fill("#id_provider_id", "cheque-17")
    page.click("input[type=submit]")

    page.wait_for_url(re.compile(r"/admin/donations/donation/\d+/change/"))
    donation = Donation.objects.get(provider_id="cheque-17")
    assert (donation.amount, donation.origin) == (2500, Donation.Origin.OFFLINE)
    assert donation.received_at <= timezone.now() + timedelta(minutes=1)
    page.screenshot("donations-offline-gift")
    assert page.errors == []


# The supporter's journey: choose, pay (on a local fake of Stripe), be
# thanked, and stop being asked.

GIVEN_KEY = "factually.donationBanner.given.{}"


@pytest.fixture
def fake_stripe(live_server):
    # Stripe sends the reader back to SITE_URL: here, the live server.
    with running_fake_stripe() as fake, override_settings(SITE_URL=live_server.url):
        yield fake


def test_support_page_screenshot_and_a_bad_amount(page, campaign, fake_stripe):
    page.visit("/support/")

    assert page.locator("h1").inner_text() == "Keep Factually independent"
    assert page.get_by_label("$5", exact=True).is_checked()
    assert page.get_by_label("Once").is_checked()
    page.screenshot("donations-support")

    page.get_by_label("Other", exact=True).check()
    page.fill("#id_other_amount", "5.001")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_load_state("load")

    assert page.get_by_text(
        "Enter at most two digits after the decimal point."
    ).is_visible()
    assert page.get_by_label("Other", exact=True).is_checked()
    assert page.locator("#id_other_amount").input_value() == "5.001"
    assert fake_stripe.requests == []
    page.screenshot("donations-support-error", full_page=False)


def test_a_reader_gives_is_thanked_and_then_not_asked_again(
    page, campaign, fake_stripe
):
    page.visit("/")
    page.get_by_role("link", name="Donate").click()
    page.wait_for_url("**/support/?variant=*")

    page.get_by_label("$25", exact=True).check()
    page.get_by_label("Monthly").check()
    page.get_by_label("You may name me on the supporters page").check()
    page.fill("#id_public_name", "Ana G.")
    page.get_by_role("button", name="Continue to secure payment").click()
    # The fake Stripe "pays" at once and sends the reader back, as Stripe does.
    page.wait_for_url("**/support/thanks/?session_id=cs_test_*")

    [create] = [r for r in fake_stripe.requests if r.path == "/v1/checkout/sessions"]
    assert create.params["mode"] == "subscription"
    assert create.params["line_items[0][price_data][unit_amount]"] == "2500"
    assert create.params["metadata[public_name]"] == "Ana G."
    message = BannerMessage.objects.get()
    assert create.params["metadata[banner_variant]"] == str(message.pk)
    assert page.locator("h1").inner_text() == "Thank you for supporting Factually"
    assert "$25 a month" in text(page.locator(".lede"))
    assert (
        page.evaluate(f"localStorage.getItem('{GIVEN_KEY.format(campaign.pk)}')")
        == "new"
    )
    page.screenshot("donations-thanks")

    # The next page thanks the reader once, instead of asking …
    page.visit("/")
    banner = page.locator("#donation-banner")
    assert banner.is_visible()
    assert page.locator("[data-thanks]").is_visible()
    assert (
        page.get_by_role("link", name="Donate").count() == 0
        or not page.get_by_role("link", name="Donate").is_visible()
    )
    page.screenshot("donations-banner-thanks", full_page=False)

    # … and after that the banner stays hidden for the campaign.
    page.visit("/")
    assert banner.is_hidden()
    # Remembered in localStorage only: the one cookie is the support form's CSRF.
    assert [cookie["name"] for cookie in page.context.cookies()] == ["csrftoken"]
    assert page.errors == []


def test_the_banner_shows_on_at_most_the_daily_cap_of_page_views(page, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(banner_views_per_day=2)
    tracker.invalidate()

    shown = []
    for _ in range(4):
        page.visit("/")
        shown.append(page.locator("#donation-banner").is_visible())

    assert shown == [True, True, False, False]
    # A new day starts a new count.
    page.evaluate(
        f"localStorage.setItem('factually.donationBanner.views.{campaign.pk}', "
        "'2000-01-01 9')"
    )
    page.visit("/")
    assert page.locator("#donation-banner").is_visible()
    assert page.errors == []


def test_reloading_a_page_many_times_counts_one_view_per_page_view(page, campaign):
    for views in (1, 2, 3):
        page.visit("/")
        wait_for(lambda views=views: BannerMessage.objects.get().views == views)

    # Replaying the page's beacon does not count again.
    token = page.evaluate(
        "fetch('/donations/banner/token/').then(r => r.json()).then(d => d.token)"
    )
    message = BannerMessage.objects.get()
    statuses = page.evaluate(
        """async ([token, id]) => {
            const out = [];
            for (let i = 0; i < 20; i++) {
                const r = await fetch('/donations/banner/event/', {method: 'POST',
                    body: new URLSearchParams({event: 'click', message: id, token})});
                out.push(r.status);
            }
            return out;
        }""",
        [token, str(message.pk)],
    )
    assert statuses == [204] + [409] * 19
    message.refresh_from_db()
    assert (message.views, message.clicks) == (3, 1)


def test_dashboard_with_money_screenshot(page, demo):
    log_in_as_fundraiser(page)

    page.visit(f"/admin/donations/campaign/{demo.pk}/dashboard/")

    money = page.locator(".dashboard__money")
    assert money.get_by_role("heading", name="Money").is_visible()
    assert money.get_by_role("columnheader", name="Median gift").is_visible()
    assert money.get_by_role("cell", name=re.compile(r"USD$")).first.is_visible()
    money.scroll_into_view_if_needed()
    page.screenshot("donations-dashboard-money")
    assert page.errors == []


def test_support_page_on_a_phone(phone_page, campaign, fake_stripe):
    phone_page.visit("/support/")

    choices = phone_page.locator(".support-form__choices").first
    # Every amount is a tap target at least 44 px high, and none overflows.
    for box in (
        choices.locator(".choice span").nth(i).bounding_box() for i in range(5)
    ):
        assert box["height"] >= 44
        assert box["x"] + box["width"] <= 390
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot("donations-support-phone")
    assert phone_page.errors == []


def test_supporters_page_screenshot(page, demo):
    page.visit("/supporters/")

    names = page.locator(".supporter-wall li")
    assert names.count() > 10
    assert re.fullmatch(r"\w+ [A-Z]\.", names.first.inner_text())
    page.screenshot("donations-supporters", full_page=False)
    assert page.errors == []
