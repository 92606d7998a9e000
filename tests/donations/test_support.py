"""The support page, Stripe Checkout and the thank-you page."""

from django.test import TestCase, override_settings
from django.urls import reverse

from donations import checkout, tracker, views

from .factories import BannerMessageFactory, CampaignFactory, GivingMethodFactory
from .stripe_server import SECRET_KEY, FakeStripeMixin

SUPPORT = reverse("donations:support")
THANKS = reverse("donations:thanks")


class SupportPageTests(FakeStripeMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True, currency="USD")
        cls.message = BannerMessageFactory(campaign=cls.campaign)

    def give(self, **data):
        return self.client.post(SUPPORT, {"amount": "5", "frequency": "once", **data})

    def checkout_requests(self):
        return [
            r for r in self.stripe.api_requests() if r.path == "/v1/checkout/sessions"
        ]

    def test_page_offers_five_dollars_first_and_a_custom_amount(self):
        response = self.client.get(SUPPORT)

        self.assertEqual(response.status_code, 200)
        labels = [
            label for _, label in response.context["form"].fields["amount"].choices
        ]
        self.assertEqual(labels[0], "$5")
        self.assertEqual(labels[-1], "Other")
        self.assertContains(response, 'name="other_amount"')
        self.assertContains(response, 'value="monthly"')

    def test_page_says_who_funds_us_and_that_political_money_is_refused(self):
        response = self.client.get(SUPPORT)

        self.assertContains(response, "Factually is funded by its readers")
        self.assertContains(
            response,
            "We take no money from political parties, candidates, campaigns or groups.",
        )

    def test_page_shows_no_donation_banner(self):
        response = self.client.get(SUPPORT)

        self.assertNotContains(response, 'id="donation-banner"')

    def test_one_off_gift_creates_a_payment_session_and_redirects_to_it(self):
        response = self.give(amount="25", variant=str(self.message.pk))

        [request] = self.checkout_requests()
        self.assertEqual(request.authorization, f"Bearer {SECRET_KEY}")
        params = request.params
        self.assertEqual(params["mode"], "payment")
        self.assertEqual(params["line_items[0][price_data][unit_amount]"], "2500")
        self.assertEqual(params["line_items[0][price_data][currency]"], "usd")
        self.assertNotIn("line_items[0][price_data][recurring][interval]", params)
        self.assertEqual(params["metadata[campaign]"], str(self.campaign.pk))
        self.assertEqual(params["metadata[banner_variant]"], str(self.message.pk))
        self.assertEqual(params["metadata[public_name]"], "")
        self.assertEqual(params["customer_creation"], "always")
        self.assertEqual(
            params["success_url"],
            "http://testserver/support/thanks/?session_id={CHECKOUT_SESSION_ID}",
        )
        self.assertEqual(params["cancel_url"], "http://testserver/support/?cancelled=1")
        [session_id] = self.stripe.sessions
        self.assertRedirects(
            response,
            f"{self.stripe.base_url}/pay/{session_id}",
            fetch_redirect_response=False,
        )

    def test_monthly_gift_creates_a_subscription_session(self):
        self.give(amount="other", other_amount="12.50", frequency="monthly")

        [request] = self.checkout_requests()
        params = request.params
        self.assertEqual(params["mode"], "subscription")
        self.assertEqual(params["line_items[0][price_data][unit_amount]"], "1250")
        self.assertEqual(
            params["line_items[0][price_data][recurring][interval]"], "month"
        )
        self.assertEqual(
            params["subscription_data[metadata][campaign]"], str(self.campaign.pk)
        )
        self.assertNotIn("customer_creation", params)

    def test_campaign_currency_is_used(self):
        campaign = self.campaign
        campaign.currency = "EUR"
        campaign.save()
        tracker.invalidate()

        response = self.client.get(SUPPORT)
        self.give(amount="10")

        self.assertContains(response, "€5")
        [request] = self.checkout_requests()
        self.assertEqual(request.params["line_items[0][price_data][currency]"], "eur")

    def test_consenting_reader_is_named_in_the_metadata(self):
        self.give(name_me="on", public_name="  Ana G. ")

        [request] = self.checkout_requests()
        self.assertEqual(request.params["metadata[public_name]"], "Ana G.")

    def test_a_name_without_the_box_ticked_is_not_sent(self):
        self.give(public_name="Ana G.")

        [request] = self.checkout_requests()
        self.assertEqual(request.params["metadata[public_name]"], "")

    def test_ticking_the_box_without_a_name_is_an_error(self):
        response = self.give(name_me="on", public_name="")

        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            "Write the name to show, or untick the box above.",
            status_code=400,
        )
        self.assertEqual(self.checkout_requests(), [])

    def test_a_variant_from_another_campaign_is_not_credited(self):
        other = BannerMessageFactory()

        self.give(variant=str(other.pk))

        [request] = self.checkout_requests()
        self.assertEqual(request.params["metadata[banner_variant]"], "")

    def test_bad_amounts_get_a_clear_error_and_create_no_session(self):
        cases = [
            ("0", "The smallest gift we can take is 1.00."),
            ("0.50", "The smallest gift we can take is 1.00."),
            ("-5", "Enter the amount as a number, such as 5 or 12.50."),
            ("+5", "Enter the amount as a number, such as 5 or 12.50."),
            ("abc", "Enter the amount as a number, such as 5 or 12.50."),
            ("", "Enter the amount as a number, such as 5 or 12.50."),
            ("1e6", "Enter the amount as a number, such as 5 or 12.50."),
            ("1_000", "Enter the amount as a number, such as 5 or 12.50."),
            ("1,000", "Enter the amount as a number, such as 5 or 12.50."),
            ("25,00", "Enter the amount as a number, such as 5 or 12.50."),
            ("١٠", "Enter the amount as a number, such as 5 or 12.50."),
            ("５", "Enter the amount as a number, such as 5 or 12.50."),
            ("NaN", "Enter the amount as a number, such as 5 or 12.50."),
            ("5.001", "Enter at most two digits after the decimal point."),
            ("10001", "The largest gift this page takes is 10,000."),
        ]
        for other_amount, message in cases:
            with self.subTest(other_amount=other_amount):
                response = self.give(amount="other", other_amount=other_amount)

                self.assertContains(response, message, status_code=400)
        self.assertEqual(self.stripe.requests, [])

    @override_settings(DONATION_MAX_AMOUNT=100)
    def test_the_maximum_is_a_setting(self):
        response = self.give(amount="other", other_amount="100.01")
        self.give(amount="other", other_amount="100")

        self.assertContains(
            response, "The largest gift this page takes is 100.", status_code=400
        )
        [request] = self.checkout_requests()
        self.assertEqual(
            request.params["line_items[0][price_data][unit_amount]"], "10000"
        )

    def test_a_preset_that_is_not_offered_is_refused(self):
        response = self.give(amount="5000")

        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.stripe.requests, [])

    def test_stripe_down_says_so_and_charges_nothing(self):
        self.stripe.failing = 500

        response = self.give()

        self.assertContains(
            response, "Our payment provider could not be reached", status_code=503
        )
        self.assertEqual(self.stripe.sessions, {})

    def test_cancel_returns_to_the_page_saying_nothing_was_charged(self):
        response = self.client.get(SUPPORT, {"cancelled": "1"})

        self.assertContains(response, "nothing was charged")
        self.assertContains(response, 'name="amount"')


class SupportPageWithoutStripeTests(TestCase):
    @override_settings(STRIPE_SECRET_KEY="")
    def test_without_a_secret_key_the_page_says_so_and_links_to_the_payment_link(self):
        CampaignFactory(is_current=True, donate_url="https://buy.stripe.com/test_x")

        response = self.client.get(SUPPORT)
        post = self.client.post(SUPPORT, {"amount": "5", "frequency": "once"})

        self.assertContains(response, "Card payments on this page are not set up")
        self.assertContains(response, 'href="https://buy.stripe.com/test_x"')
        self.assertNotContains(response, 'name="amount"')
        self.assertEqual(post.status_code, 200)

    def test_without_a_running_campaign_no_form_is_shown(self):
        response = self.client.get(SUPPORT)

        self.assertContains(response, "We are not asking for gifts right now.")
        self.assertNotContains(response, 'name="amount"')


class ThanksPageTests(FakeStripeMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True)

    def start_session(self, **data):
        self.client.post(SUPPORT, {"amount": "10", "frequency": "once", **data})
        [session_id] = self.stripe.sessions
        return session_id

    def test_a_paid_session_is_verified_with_stripe_then_thanked(self):
        session_id = self.start_session()
        self.stripe.pay(session_id)

        response = self.client.get(THANKS, {"session_id": session_id})

        self.assertContains(response, "Thank you for supporting Factually")
        self.assertContains(response, "<strong>$10</strong>", html=True)
        self.assertContains(response, f'data-supported-campaign="{self.campaign.pk}"')
        self.assertEqual(
            self.stripe.requests[-1].path, f"/v1/checkout/sessions/{session_id}"
        )
        self.assertIn("no-cache", response["Cache-Control"])

    def test_a_monthly_gift_is_thanked_with_how_to_manage_it(self):
        session_id = self.start_session(frequency="monthly")
        self.stripe.pay(session_id)

        response = self.client.get(THANKS, {"session_id": session_id})

        self.assertContains(response, "<strong>$10 a month</strong>", html=True)
        self.assertContains(response, reverse("donations:manage"))

    def test_an_unpaid_session_is_not_thanked(self):
        session_id = self.start_session()

        response = self.client.get(THANKS, {"session_id": session_id})

        self.assertContains(
            response, "We could not find a completed payment", status_code=404
        )
        self.assertNotContains(response, "data-supported-campaign", status_code=404)

    def test_a_session_stripe_does_not_know_is_not_thanked(self):
        response = self.client.get(THANKS, {"session_id": "cs_test_made_up"})

        self.assertContains(
            response, "We could not find a completed payment", status_code=404
        )

    def test_a_malformed_session_id_is_refused_without_asking_stripe(self):
        for value in ("", "pi_123", "cs_" + "x" * 300, "cs_../../v1/customers"):
            with self.subTest(value=value):
                response = self.client.get(THANKS, {"session_id": value})

                self.assertEqual(response.status_code, 400)
        self.assertEqual(self.stripe.requests, [])

    def test_stripe_down_asks_the_reader_to_reload(self):
        self.stripe.failing = 500

        response = self.client.get(THANKS, {"session_id": "cs_test_1"})

        self.assertContains(
            response, "We could not check your payment just now", status_code=503
        )


def test_a_portal_session_is_created_for_the_customer(fake_stripe):
    url = checkout.create_portal_session(
        customer_id="cus_42", return_url="https://factually.example/support/"
    )

    [request] = fake_stripe.api_requests()
    assert (request.method, request.path) == ("POST", "/v1/billing_portal/sessions")
    assert request.params == {
        "customer": "cus_42",
        "return_url": "https://factually.example/support/",
    }
    assert url == f"{fake_stripe.base_url}/portal/bps_fake00001"


def test_amounts_read_as_the_reader_chose_them():
    assert tracker.reader_amount(1000, "USD") == "$10"
    assert tracker.reader_amount(1250, "GBP") == "£12.50"
    assert tracker.reader_amount(123_456_700, "EUR") == "€1,234,567"


class SupportPageQueryTests(FakeStripeMixin, TestCase):
    def test_the_support_page_costs_three_queries(self):
        campaign = CampaignFactory(is_current=True)
        BannerMessageFactory.create_batch(3, campaign=campaign)
        GivingMethodFactory.create_batch(3)

        # The current campaign, the other ways to give, the testimonials.
        with self.assertNumQueries(3):
            self.client.get(SUPPORT)

    def test_the_thank_you_page_asks_stripe_not_the_database(self):
        CampaignFactory(is_current=True)
        self.client.post(SUPPORT, {"amount": "5", "frequency": "once"})
        [session_id] = self.stripe.sessions
        self.stripe.pay(session_id)

        with self.assertNumQueries(0):
            response = self.client.get(THANKS, {"session_id": session_id})

        self.assertEqual(response.status_code, 200)


class SupportRateLimitTests(FakeStripeMixin, TestCase):
    """Checkout Sessions per client address, limited as /ask/ is."""

    @classmethod
    def setUpTestData(cls):
        CampaignFactory(is_current=True)

    def give(self, address):
        return self.client.post(
            SUPPORT, {"amount": "5", "frequency": "once"}, REMOTE_ADDR=address
        )

    def test_one_address_past_the_limit_gets_a_429_and_no_session(self):
        for _ in range(views.CHECKOUTS_PER_WINDOW):
            self.assertEqual(self.give("203.0.113.5").status_code, 302)

        response = self.give("203.0.113.5")

        self.assertContains(response, "Please wait a few minutes", status_code=429)
        self.assertContains(
            response,
            "Nothing was charged. Please try again in 10 minutes.",
            status_code=429,
        )
        self.assertEqual(response["Retry-After"], str(views.RATE_WINDOW))
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(len(self.stripe.sessions), views.CHECKOUTS_PER_WINDOW)

    def test_another_address_is_not_affected(self):
        for _ in range(views.CHECKOUTS_PER_WINDOW + 1):
            self.give("203.0.113.5")

        response = self.give("198.51.100.7")

        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(self.stripe.sessions), views.CHECKOUTS_PER_WINDOW + 1)

    def test_a_header_naming_another_address_does_not_escape_the_limit(self):
        for number in range(views.CHECKOUTS_PER_WINDOW + 1):
            response = self.client.post(
                SUPPORT,
                {"amount": "5", "frequency": "once"},
                REMOTE_ADDR="203.0.113.5",
                HTTP_X_REAL_IP=f"192.0.2.{number}",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
            )

        self.assertEqual(response.status_code, 429)
        self.assertEqual(len(self.stripe.sessions), views.CHECKOUTS_PER_WINDOW)


@override_settings(
    SITE_URL="https://factually.example",
    ALLOWED_HOSTS=["testserver", "evil.test"],
)
class StripeAddressesTests(FakeStripeMixin, TestCase):
    """Addresses sent to Stripe come from SITE_URL, never the Host header."""

    def test_success_and_cancel_addresses_ignore_the_host_header(self):
        CampaignFactory(is_current=True)

        self.client.post(
            SUPPORT,
            {"amount": "5", "frequency": "once"},
            HTTP_HOST="evil.test:8443",
        )

        [request] = [
            r for r in self.stripe.api_requests() if r.path == "/v1/checkout/sessions"
        ]
        self.assertEqual(
            request.params["success_url"],
            "https://factually.example/support/thanks/"
            "?session_id={CHECKOUT_SESSION_ID}",
        )
        self.assertEqual(
            request.params["cancel_url"],
            "https://factually.example/support/?cancelled=1",
        )
