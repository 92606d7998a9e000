import json
import time
from datetime import UTC, datetime, timedelta

import time_machine
from django.conf import settings
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from donations.models import Donation, Supporter, WebhookEvent
from tests.helpers import last_line_with_database_down

from . import events
from .factories import CampaignFactory, DonationFactory


class WebhookRefusalTests(TestCase):
    """Anything Stripe did not sign with our secret, recently: 400, nothing written."""

    def assertRefused(self, response, status=400):
        self.assertEqual(response.status_code, status, response.content)
        self.assertIs(WebhookEvent.objects.exists(), False)
        self.assertIs(Donation.objects.exists(), False)
        self.assertIs(Supporter.objects.exists(), False)

    def test_missing_signature_is_refused(self):
        response = events.deliver(self.client, events.checkout_completed(), headers={})

        self.assertRefused(response)
        self.assertEqual(response.content, b"Invalid Stripe-Signature.\n")

    def test_malformed_signatures_are_refused(self):
        payload = json.dumps(events.checkout_completed())
        for header in (
            "garbage",
            "t=abc,v1=123",
            "t=,v1=",
            f"t={int(time.time())}",
            "v1=" + "0" * 64,
        ):
            with self.subTest(header=header):
                response = events.deliver(
                    self.client, body=payload, headers={"Stripe-Signature": header}
                )
                self.assertRefused(response)

    def test_signature_made_with_another_secret_is_refused(self):
        response = events.deliver(
            self.client, events.checkout_completed(), secret="whsec_someone_else"
        )

        self.assertRefused(response)

    def test_tampered_payload_is_refused(self):
        payload = json.dumps(events.checkout_completed(amount=500))
        header = events.signature(payload)
        tampered = payload.replace('"amount_total": 500', '"amount_total": 50000')
        self.assertNotEqual(tampered, payload)

        response = events.deliver(
            self.client, body=tampered, headers={"Stripe-Signature": header}
        )

        self.assertRefused(response)

    def test_too_old_signature_is_refused(self):
        response = events.deliver(
            self.client,
            events.checkout_completed(),
            timestamp=int(time.time()) - 6 * 60,
        )

        self.assertRefused(response)

    def test_a_captured_delivery_replayed_later_is_refused(self):
        payload = json.dumps(events.checkout_completed())
        header = events.signature(payload)

        with time_machine.travel(datetime.now(tz=UTC) + timedelta(minutes=10)):
            response = events.deliver(
                self.client, body=payload, headers={"Stripe-Signature": header}
            )

        self.assertRefused(response)

    def test_non_ascii_signature_is_refused_with_a_reason(self):
        payload = json.dumps(events.checkout_completed())
        signed = events.signature(payload)
        for header in (signed + "é", "t=1,v1=é", "é"):
            with self.subTest(header=header):
                response = events.deliver(
                    self.client, body=payload, headers={"Stripe-Signature": header}
                )

                self.assertRefused(response)
                self.assertEqual(
                    response.content, b"Invalid Stripe-Signature: it must be ASCII.\n"
                )

    def test_body_that_is_not_utf8_is_refused(self):
        header = events.signature("\ufffd")

        response = self.client.post(
            reverse("donations:stripe-webhook"),
            data=b"\xff\xfe\xfd",
            content_type="application/json",
            headers={"Stripe-Signature": header},
        )

        self.assertRefused(response)

    def test_signed_body_that_is_not_json_is_refused(self):
        response = events.deliver(self.client, body="not json")

        self.assertRefused(response)
        self.assertEqual(response.content, b"The body is not JSON.\n")

    def test_signed_json_that_is_not_an_event_is_refused(self):
        for body in (
            "[]",
            "{}",
            '{"id": "evt_1", "type": "x", "created": 1, "data": []}',
        ):
            with self.subTest(body=body):
                response = events.deliver(self.client, body=body)
                self.assertRefused(response)
                self.assertEqual(response.content, b"The body is not a Stripe event.\n")

    def test_oversized_body_is_refused(self):
        event = events.checkout_completed()
        event["padding"] = "x" * (300 * 1024)

        response = events.deliver(self.client, event)

        self.assertRefused(response, status=413)

    def test_only_post_is_allowed(self):
        response = self.client.get(reverse("donations:stripe-webhook"))

        self.assertRefused(response, status=405)


class CheckoutSessionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True)

    def test_one_off_payment_is_recorded(self):
        event = events.checkout_completed(
            email="Reader@Example.org",
            amount=2500,
            currency="eur",
            payment_intent="pi_1",
        )

        response = events.deliver(self.client, event)

        self.assertEqual(response.status_code, 200)
        donation = Donation.objects.get()
        self.assertEqual(donation.amount, 2500)
        self.assertEqual(donation.currency, "EUR")
        self.assertEqual(donation.kind, Donation.Kind.ONE_OFF)
        self.assertEqual(donation.origin, Donation.Origin.STRIPE)
        self.assertEqual(donation.provider_id, "pi_1")
        self.assertEqual(
            donation.received_at, datetime.fromtimestamp(event["created"], tz=UTC)
        )
        self.assertEqual(
            donation.supporter.email_hash, Supporter.hash_email("reader@example.org")
        )
        # Kept: the site sends the receipt and the "manage my donation" link.
        self.assertEqual(donation.supporter.email, "Reader@Example.org")
        record = WebhookEvent.objects.get()
        self.assertEqual(record.event_id, event["id"])
        self.assertEqual(record.outcome, WebhookEvent.Outcome.RECORDED)
        self.assertEqual(self.campaign.count_supporters(), 1)

    def test_first_payment_of_a_subscription_is_recorded_under_its_invoice(self):
        event = events.checkout_completed(mode="subscription", invoice="in_1")

        events.deliver(self.client, event)

        donation = Donation.objects.get()
        self.assertEqual(donation.provider_id, "in_1")
        self.assertEqual(donation.kind, Donation.Kind.RECURRING)

    def test_redelivery_answers_200_and_changes_nothing(self):
        event = events.checkout_completed(payment_intent="pi_1")
        events.deliver(self.client, event)

        response = events.deliver(self.client, event)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"Already processed.\n")
        self.assertEqual(Donation.objects.count(), 1)
        self.assertEqual(WebhookEvent.objects.count(), 1)

    def test_public_name_field_is_consent_to_be_named(self):
        events.deliver(
            self.client,
            events.checkout_completed(payment_intent="pi_1", public_name="Ada"),
        )

        supporter = Supporter.objects.get()
        self.assertEqual(supporter.display_name, "Ada")
        self.assertIsNotNone(supporter.display_name_consented_at)

    def test_customer_name_is_not_taken_as_a_public_name(self):
        events.deliver(self.client, events.checkout_completed(payment_intent="pi_1"))

        self.assertEqual(Supporter.objects.get().display_name, "")

    def test_unpaid_session_is_recorded_and_ignored(self):
        events.deliver(
            self.client,
            events.checkout_completed(payment_intent="pi_1", payment_status="unpaid"),
        )

        self.assertIs(Donation.objects.exists(), False)
        self.assertEqual(
            WebhookEvent.objects.get().outcome, WebhookEvent.Outcome.IGNORED
        )

    def test_payment_recorded_by_a_webhook_refreshes_goal_json(self):
        self.assertEqual(
            self.client.get(reverse("donations:goal")).json()["supporters"], 0
        )

        with self.captureOnCommitCallbacks(execute=True):
            events.deliver(
                self.client, events.checkout_completed(payment_intent="pi_1")
            )

        self.assertEqual(
            self.client.get(reverse("donations:goal")).json()["supporters"], 1
        )


class RejectedEventTests(TestCase):
    def assertRejected(self, event, reason):
        response = events.deliver(self.client, event)

        self.assertEqual(response.status_code, 200)
        record = WebhookEvent.objects.get(event_id=event["id"])
        self.assertEqual(record.outcome, WebhookEvent.Outcome.REJECTED)
        self.assertIn(reason, record.detail)
        self.assertIs(Donation.objects.exists(), False)
        self.assertIs(Supporter.objects.exists(), False)

    def test_currency_outside_the_allow_list_is_rejected(self):
        self.assertRejected(
            events.checkout_completed(payment_intent="pi_1", currency="jpy"),
            "The currency 'JPY' is not accepted",
        )

    def test_absurd_amount_is_rejected(self):
        self.assertRejected(
            events.checkout_completed(payment_intent="pi_1", amount=10**12),
            "is out of range",
        )

    def test_zero_amount_is_rejected(self):
        self.assertRejected(
            events.checkout_completed(payment_intent="pi_1", amount=0),
            "is out of range",
        )

    def test_session_without_email_is_rejected(self):
        self.assertRejected(
            events.checkout_completed(payment_intent="pi_1", email=None),
            "no email address",
        )

    def test_session_without_payment_intent_is_rejected(self):
        self.assertRejected(
            events.checkout_completed(payment_intent=None), "names no payment intent"
        )


class IgnoredEventTests(TestCase):
    def test_unknown_type_is_recorded_and_ignored(self):
        event = events.event(
            "customer.created", {"id": "cus_1", "email": "a@example.org"}
        )

        response = events.deliver(self.client, event)

        self.assertEqual(response.status_code, 200)
        record = WebhookEvent.objects.get()
        self.assertEqual(record.type, "customer.created")
        self.assertEqual(record.outcome, WebhookEvent.Outcome.IGNORED)
        self.assertIs(Supporter.objects.exists(), False)

    def test_event_from_the_other_mode_is_recorded_and_ignored(self):
        event = events.checkout_completed(
            payment_intent="pi_1", livemode=not settings.STRIPE_LIVEMODE
        )

        response = events.deliver(self.client, event)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            WebhookEvent.objects.get().outcome, WebhookEvent.Outcome.IGNORED
        )
        self.assertIs(Donation.objects.exists(), False)

    @override_settings(STRIPE_LIVEMODE=False)
    def test_test_mode_site_takes_test_events(self):
        events.deliver(
            self.client,
            events.checkout_completed(payment_intent="pi_1", livemode=False),
        )

        self.assertEqual(Donation.objects.count(), 1)


class RenewalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True)

    def test_renewal_is_recorded_as_a_recurring_donation(self):
        paid_at = int(time.time()) - 60

        events.deliver(
            self.client,
            events.invoice_paid(invoice_id="in_2", amount=1000, paid_at=paid_at),
        )

        donation = Donation.objects.get()
        self.assertEqual(donation.provider_id, "in_2")
        self.assertEqual(donation.kind, Donation.Kind.RECURRING)
        self.assertEqual(donation.received_at, datetime.fromtimestamp(paid_at, tz=UTC))

    def test_renewal_by_an_existing_supporter_does_not_add_a_supporter(self):
        events.deliver(
            self.client, events.checkout_completed(mode="subscription", invoice="in_1")
        )
        events.deliver(self.client, events.invoice_paid(invoice_id="in_2"))

        self.assertEqual(Donation.objects.count(), 2)
        self.assertEqual(self.campaign.count_supporters(), 1)

    def test_renewal_counts_a_supporter_who_first_gave_before_the_campaign(self):
        before = self.campaign.starts_at - timedelta(days=30)
        DonationFactory(
            supporter__address="reader@example.org",
            received_at=before,
            provider_id="in_0",
        )
        self.assertEqual(self.campaign.count_supporters(), 0)

        events.deliver(self.client, events.invoice_paid(invoice_id="in_1"))

        self.assertEqual(self.campaign.count_supporters(), 1)

    def test_first_invoice_reported_twice_is_recorded_once(self):
        events.deliver(
            self.client, events.checkout_completed(mode="subscription", invoice="in_1")
        )
        invoice = events.invoice_paid(
            invoice_id="in_1",
            billing_reason="subscription_create",
            payment_intent="pi_1",
        )

        response = events.deliver(self.client, invoice)

        self.assertEqual(response.status_code, 200)
        donation = Donation.objects.get()
        self.assertEqual(donation.payment_intent_id, "pi_1")
        self.assertEqual(
            WebhookEvent.objects.get(event_id=invoice["id"]).outcome,
            WebhookEvent.Outcome.IGNORED,
        )

    def test_zero_invoice_is_ignored(self):
        events.deliver(self.client, events.invoice_paid(invoice_id="in_1", amount=0))

        self.assertIs(Donation.objects.exists(), False)
        self.assertEqual(
            WebhookEvent.objects.get().outcome, WebhookEvent.Outcome.IGNORED
        )


class RefundTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True)

    def test_refund_stops_counting_the_supporter(self):
        events.deliver(self.client, events.checkout_completed(payment_intent="pi_1"))
        self.assertEqual(self.campaign.count_supporters(), 1)
        refund = events.charge_refunded(payment_intent="pi_1")

        response = events.deliver(self.client, refund)

        self.assertEqual(response.status_code, 200)
        donation = Donation.objects.get()
        self.assertEqual(
            donation.refunded_at, datetime.fromtimestamp(refund["created"], tz=UTC)
        )
        self.assertEqual(self.campaign.count_supporters(), 0)
        self.assertEqual(
            WebhookEvent.objects.get(event_id=refund["id"]).outcome,
            WebhookEvent.Outcome.REFUNDED,
        )

    def test_supporter_still_counts_while_another_donation_qualifies(self):
        events.deliver(self.client, events.checkout_completed(payment_intent="pi_1"))
        events.deliver(self.client, events.checkout_completed(payment_intent="pi_2"))

        events.deliver(self.client, events.charge_refunded(payment_intent="pi_1"))

        self.assertEqual(Donation.objects.filter(refunded_at__isnull=False).count(), 1)
        self.assertEqual(self.campaign.count_supporters(), 1)

    def test_partial_refund_keeps_the_donation_counting(self):
        events.deliver(self.client, events.checkout_completed(payment_intent="pi_1"))

        events.deliver(
            self.client,
            events.charge_refunded(payment_intent="pi_1", amount_refunded=200),
        )

        self.assertIsNone(Donation.objects.get().refunded_at)
        self.assertEqual(self.campaign.count_supporters(), 1)

    def test_refund_arriving_before_its_payment_is_applied_when_it_arrives(self):
        refund = events.charge_refunded(payment_intent="pi_1")
        response = events.deliver(self.client, refund)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            WebhookEvent.objects.get(event_id=refund["id"]).outcome,
            WebhookEvent.Outcome.HELD,
        )

        events.deliver(self.client, events.checkout_completed(payment_intent="pi_1"))

        donation = Donation.objects.get()
        self.assertIsNotNone(donation.refunded_at)
        self.assertEqual(self.campaign.count_supporters(), 0)
        self.assertEqual(
            WebhookEvent.objects.get(event_id=refund["id"]).outcome,
            WebhookEvent.Outcome.REFUNDED,
        )

    def test_refund_of_a_renewal_is_matched_by_its_payment_intent(self):
        events.deliver(
            self.client, events.invoice_paid(invoice_id="in_2", payment_intent="pi_2")
        )

        events.deliver(self.client, events.charge_refunded(payment_intent="pi_2"))

        self.assertIsNotNone(Donation.objects.get(provider_id="in_2").refunded_at)

    def test_refund_redelivered_changes_nothing(self):
        events.deliver(self.client, events.checkout_completed(payment_intent="pi_1"))
        refund = events.charge_refunded(payment_intent="pi_1")
        events.deliver(self.client, refund)
        refunded_at = Donation.objects.get().refunded_at

        with time_machine.travel(datetime.now(tz=UTC) + timedelta(minutes=1)):
            response = events.deliver(self.client, refund)

        self.assertEqual(response.content, b"Already processed.\n")
        self.assertEqual(Donation.objects.get().refunded_at, refunded_at)


DOWN_DATABASE_SCRIPT = """
import json, time
import django, stripe
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
django.setup()
setup_test_environment()
payload = json.dumps({
    "id": "evt_down", "type": "checkout.session.completed", "created": int(time.time()),
    "livemode": settings.STRIPE_LIVEMODE,
    "data": {"object": {"mode": "payment", "payment_status": "paid", "amount_total": 500,
             "currency": "usd", "payment_intent": "pi_down",
             "customer_details": {"email": "reader@example.org"}}},
})
header = stripe.WebhookSignature.generate_signature_header(
    payload, settings.STRIPE_WEBHOOK_SECRET
)
response = Client().post(
    "/donations/stripe/webhook/", data=payload, content_type="application/json",
    headers={"Stripe-Signature": header},
)
print(response.status_code, response.headers.get("Retry-After"))
"""


class WebhookWithDatabaseDownTests(SimpleTestCase):
    def test_webhook_answers_503_when_the_database_is_unreachable(self):
        self.assertEqual(last_line_with_database_down(DOWN_DATABASE_SCRIPT), "503 60")
