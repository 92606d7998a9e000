"""
The support page's other ways to give, and the whole card journey through
the local Stripe stand-in that `make run-payments` starts, in Chromium.
"""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from donations import devstripe, tracker
from donations.models import Campaign, Donation, GivingMethod

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    """The demo campaign and other ways to give that `make run` shows."""
    cache.clear()
    call_command("load_demo_donations", verbosity=0)
    tracker.invalidate()
    yield Campaign.objects.current().get()
    cache.clear()


@pytest.fixture
def stand_in(live_server):
    httpd = devstripe.server(
        port=0,
        webhook_url=live_server.url + reverse("donations:stripe-webhook"),
        webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    with override_settings(
        STRIPE_SECRET_KEY="sk_test_local_stand_in",
        STRIPE_API_BASE=httpd.fake.base_url,
        SITE_URL=live_server.url,
        STRIPE_LIVEMODE=False,
    ):
        yield httpd.fake
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_other_ways_to_give_then_five_dollars_monthly_through_the_stand_in(
    page, demo, stand_in
):
    GivingMethod.objects.filter(name="Cheque").update(position=0)
    before = demo.count_supporters()

    page.visit("/support/")

    section = page.get_by_role("region", name="Other ways to give")
    assert section.is_visible()
    assert section.locator("h3").all_inner_texts() == [
        "Cheque",
        "Bank transfer",
        "Donor-advised fund",
    ]
    assert "IBAN: XX00 DEMO 0000 0000" in section.inner_text()
    assert "it counts toward the goal" in section.inner_text()
    page.screenshot("donations-support-other-ways")

    page.get_by_label("$5", exact=True).check()
    page.get_by_label("Monthly").check()
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(stand_in.base_url + "/pay/*")
    assert page.locator("h1").inner_text() == "5.00 USD a month"
    page.fill("#card", "4242 4242 4242 4242")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/support/thanks/*")

    assert page.get_by_text("Thank you for supporting Factually").is_visible()
    donation = Donation.objects.get(provider_id__startswith="in_local")
    assert (donation.amount, donation.kind) == (500, Donation.Kind.RECURRING)
    assert demo.count_supporters() == before + 1
    page.screenshot("donations-local-stripe-thanks", full_page=False)
    assert page.errors == []
