"""
The local stand-in for Stripe that `make run-payments` starts: a reader's
whole journey through it and the site, on 127.0.0.1, with the signed
webhook delivered to a live server.
"""

import http.client
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from donations import devstripe
from donations.models import Donation, WebhookEvent

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)


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
        # As in debug, where the stand-in runs: its events are test-mode.
        STRIPE_LIVEMODE=False,
    ):
        yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def fetch(url, form=None):
    """GET (or POST a form to) the stand-in without following redirects."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    if form is None:
        connection.request("GET", parts.path)
    else:
        connection.request(
            "POST",
            parts.path,
            body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, response.getheader("Location"), body


def test_stand_in_listens_on_loopback_only(stand_in):
    assert stand_in.server_address[0] == "127.0.0.1"


def test_five_dollars_monthly_paid_on_the_stand_in_is_thanked_and_counted(
    stand_in, live_server
):
    campaign = CampaignFactory(is_current=True, currency="USD")
    before = campaign.count_supporters()
    reader = Client()

    response = reader.post(
        reverse("donations:support"), {"amount": "5", "frequency": "monthly"}
    )

    assert response.status_code == 302
    pay_url = response["Location"]
    assert pay_url.startswith(stand_in.fake.base_url + "/pay/cs_test_")
    status, _, page = fetch(pay_url)
    assert status == 200
    assert "5.00 USD a month" in page
    assert "4242 4242 4242 4242" in page

    # A declined card charges nothing and stays on the checkout page.
    status, _, page = fetch(
        pay_url, {"email": "reader@example.org", "card": "4000 0000 0000 0002"}
    )
    assert status == 402
    assert "Your card was declined" in page
    assert not Donation.objects.exists()

    status, location, _ = fetch(
        pay_url, {"email": "reader@example.org", "card": "4242 4242 4242 4242"}
    )

    assert status == 303
    assert location.startswith(live_server.url + reverse("donations:thanks"))
    # The signed event reached the site's webhook before the redirect.
    event = WebhookEvent.objects.get()
    assert (event.type, event.outcome) == (
        "checkout.session.completed",
        WebhookEvent.Outcome.RECORDED,
    )
    donation = Donation.objects.get()
    assert (donation.amount, donation.kind, donation.origin) == (
        500,
        Donation.Kind.RECURRING,
        Donation.Origin.STRIPE,
    )
    assert campaign.count_supporters() == before + 1
    thanks = reader.get(location.removeprefix(live_server.url))
    assert thanks.status_code == 200
    assert "Thank you for supporting Factually" in thanks.content.decode()


def test_an_already_paid_session_is_not_paid_twice(stand_in):
    CampaignFactory(is_current=True, currency="USD")
    response = Client().post(
        reverse("donations:support"), {"amount": "10", "frequency": "once"}
    )
    form = {"email": "reader@example.org", "card": "4242424242424242"}
    assert fetch(response["Location"], form)[0] == 303

    status, _, page = fetch(response["Location"], form)

    assert status == 402
    assert "already paid" in page
    assert Donation.objects.get().amount == 1000


@override_settings(DEBUG=False)
def test_command_refuses_to_start_without_debug():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("fake_stripe", port=0)
