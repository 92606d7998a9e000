"""Receipts, thank-yous, payment-failed emails and large-gift alerts."""

from datetime import UTC, datetime

from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from donations import emails
from donations.models import Donation, OutgoingEmail, Supporter, WebhookEvent

from . import events
from .factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
    SupporterFactory,
    fundraiser,
    newsroom_editor,
)

NO_POLITICAL_MONEY = (
    "We take no money from political parties, candidates, campaigns or groups."
)


def with_metadata(event, **metadata):
    event["data"]["object"]["metadata"] = metadata
    return event


def with_card(event, last4):
    session = event["data"]["object"]
    session["payment_intent"] = {
        "id": session["payment_intent"],
        "object": "payment_intent",
        "latest_charge": {
            "id": "ch_1",
            "object": "charge",
            "payment_method_details": {"type": "card", "card": {"last4": last4}},
        },
    }
    return event


@override_settings(DONATION_ALERT_AMOUNT=1000, SITE_URL="https://factually.example")
class ReceiptTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.campaign = CampaignFactory(is_current=True, name="Winter drive")

    def deliver(self, event):
        with self.captureOnCommitCallbacks(execute=True):
            response = events.deliver(self.client, event)
        self.assertEqual(response.status_code, 200, response.content)
        return response

    def messages(self, subject_start):
        return [m for m in mail.outbox if m.subject.startswith(subject_start)]

    def test_a_one_off_payment_gets_a_receipt_with_what_the_reader_needs(self):
        event = events.checkout_completed(
            email="ada@example.org", amount=2500, payment_intent="pi_1"
        )

        self.deliver(event)

        [receipt] = self.messages("Your receipt")
        self.assertEqual(receipt.to, ["ada@example.org"])
        self.assertEqual(receipt.from_email, "Factually <support@factually.example>")
        self.assertEqual(receipt.subject, "Your receipt: 25.00 USD gift to Factually")
        donation = Donation.objects.get()
        for body in (receipt.body, receipt.alternatives[0].content):
            self.assertIn("25.00 USD", body)
            self.assertIn(f"{donation.received_at:%B} {donation.received_at.day}", body)
            self.assertIn("Winter drive", body)
            plain = " ".join(body.split()).replace("<strong>", "")
            self.assertIn(NO_POLITICAL_MONEY, plain.replace("</strong>", ""))
            self.assertNotIn("ending in", body)
            self.assertNotIn("renews every month", body)
        self.assertEqual(receipt.alternatives[0].mimetype, "text/html")

    def test_the_card_digits_appear_only_when_stripe_gives_them(self):
        event = with_card(events.checkout_completed(payment_intent="pi_1"), "4242")

        self.deliver(event)

        [receipt] = self.messages("Your receipt")
        self.assertIn("Card: ending in 4242", receipt.body)
        self.assertEqual(Donation.objects.get().card_last4, "4242")

    def test_a_monthly_gift_receipt_says_how_to_manage_it(self):
        event = events.checkout_completed(mode="subscription", invoice="in_1")

        self.deliver(event)

        [receipt] = self.messages("Your receipt")
        self.assertIn("monthly gift", receipt.subject)
        self.assertIn("renews every month", receipt.body)
        self.assertIn("https://factually.example/support/manage/", receipt.body)

    def test_a_first_gift_gets_a_thank_you_and_a_second_does_not(self):
        self.deliver(events.checkout_completed(payment_intent="pi_1"))
        self.deliver(events.checkout_completed(payment_intent="pi_2"))

        self.assertEqual(len(self.messages("Welcome, and thank you")), 1)
        self.assertEqual(len(self.messages("Your receipt")), 2)

    def test_every_renewal_gets_a_receipt(self):
        self.deliver(events.checkout_completed(mode="subscription", invoice="in_1"))
        self.deliver(events.invoice_paid(invoice_id="in_1"))
        self.deliver(events.invoice_paid(invoice_id="in_2"))

        self.assertEqual(Donation.objects.count(), 2)
        self.assertEqual(len(self.messages("Your receipt")), 2)

    def test_a_redelivered_webhook_sends_no_second_receipt(self):
        event = events.checkout_completed(payment_intent="pi_1")

        self.deliver(event)
        self.deliver(event)

        self.assertEqual(len(self.messages("Your receipt")), 1)
        self.assertEqual(OutgoingEmail.objects.filter(kind="receipt").count(), 1)

    def test_emails_are_only_sent_after_the_donation_commits(self):
        with self.captureOnCommitCallbacks() as callbacks:
            events.deliver(
                self.client, events.checkout_completed(payment_intent="pi_1")
            )

        self.assertEqual(mail.outbox, [])
        self.assertEqual(OutgoingEmail.objects.pending().count(), 2)
        for callback in callbacks:
            callback()
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(OutgoingEmail.objects.pending().count(), 0)
        self.assertEqual(
            set(OutgoingEmail.objects.values_list("status", flat=True)), {"sent"}
        )

    def test_a_named_supporter_gets_a_link_that_removes_the_name(self):
        event = with_metadata(
            events.checkout_completed(payment_intent="pi_1"), public_name="Ana G."
        )

        self.deliver(event)

        [receipt] = self.messages("Your receipt")
        self.assertIn('named on our supporters page as "Ana G."', receipt.body)
        link = next(
            line for line in receipt.body.splitlines() if "/supporters/remove/" in line
        )
        path = link[link.index("/supporters/remove/") :].strip()
        self.client.post(path)
        self.assertEqual(Supporter.objects.get().display_name, "")

    def test_an_anonymous_supporter_gets_no_removal_link(self):
        self.deliver(events.checkout_completed(payment_intent="pi_1"))

        [receipt] = self.messages("Your receipt")
        self.assertNotIn("/supporters/remove/", receipt.body)

    def test_the_banner_variant_and_stripe_customer_are_recorded(self):
        message = BannerMessageFactory(campaign=self.campaign)
        event = with_metadata(
            events.checkout_completed(payment_intent="pi_1"),
            campaign=str(self.campaign.pk),
            banner_variant=str(message.pk),
        )
        event["data"]["object"]["customer"] = "cus_123"

        self.deliver(event)

        donation = Donation.objects.get()
        self.assertEqual(donation.banner_message, message)
        self.assertEqual(donation.supporter.stripe_customer_id, "cus_123")

    def test_a_variant_that_does_not_exist_is_not_credited(self):
        event = with_metadata(
            events.checkout_completed(payment_intent="pi_1"), banner_variant="99999"
        )

        self.deliver(event)

        self.assertIsNone(Donation.objects.get().banner_message)

    def test_a_large_gift_alerts_the_fundraising_group_only(self):
        staff = fundraiser()
        staff.email = "raise@factually.example"
        staff.save()
        editor = newsroom_editor()
        editor.email = "editor@factually.example"
        editor.save()

        self.deliver(events.checkout_completed(amount=100_000, payment_intent="pi_1"))
        self.deliver(events.checkout_completed(amount=99_999, payment_intent="pi_2"))

        [alert] = self.messages("Large gift")
        self.assertEqual(alert.to, ["raise@factually.example"])
        self.assertEqual(alert.subject, "Large gift: 1,000.00 USD")
        self.assertIn("political", alert.body)
        donation = Donation.objects.get(provider_id="pi_1")
        self.assertIn(
            reverse("admin:donations_donation_change", args=[donation.pk]), alert.body
        )


class PaymentFailedTests(TestCase):
    def deliver(self, event):
        with self.captureOnCommitCallbacks(execute=True):
            return events.deliver(self.client, event)

    def test_a_failed_renewal_emails_the_supporter_once_per_invoice(self):
        response = self.deliver(
            events.invoice_payment_failed(invoice_id="in_9", amount=1000)
        )
        self.deliver(events.invoice_payment_failed(invoice_id="in_9", amount=1000))

        self.assertEqual(response.content, b"notified: payment-failed email for in_9\n")
        [message] = mail.outbox
        self.assertEqual(message.to, ["reader@example.org"])
        self.assertEqual(
            message.subject, "Your monthly gift to Factually did not go through"
        )
        self.assertIn("10.00 USD", message.body)
        self.assertIn(reverse("donations:manage"), message.body)
        self.assertIs(Donation.objects.exists(), False)

    def test_a_failed_first_payment_sends_nothing(self):
        response = self.deliver(
            events.invoice_payment_failed(
                invoice_id="in_9", billing_reason="subscription_create"
            )
        )

        self.assertEqual(mail.outbox, [])
        self.assertEqual(WebhookEvent.objects.get().outcome, "ignored")
        self.assertIn(b"not the renewal", response.content)

    def test_a_failed_renewal_without_an_email_is_rejected(self):
        self.deliver(events.invoice_payment_failed(invoice_id="in_9", email=""))

        self.assertEqual(mail.outbox, [])
        self.assertEqual(WebhookEvent.objects.get().outcome, "rejected")


class DeliveryTests(TestCase):
    def owe_receipt(self):
        supporter = SupporterFactory(email="ada@example.org")
        donation = DonationFactory(
            supporter=supporter,
            provider_id="pi_1",
            received_at=datetime(2026, 11, 2, 12, tzinfo=UTC),
        )
        return OutgoingEmail.objects.create(
            kind="receipt",
            reference="donation:1",
            donation=donation,
            to=supporter.email,
        )

    def test_a_failed_send_stays_pending_with_the_error(self):
        email = self.owe_receipt()

        with (
            override_settings(
                MAILERS={
                    "default": {
                        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
                    }
                }
            ),
            self.assertRaises(emails.EmailNotSent),
        ):
            emails.deliver(email_id=email.pk)

        email.refresh_from_db()
        self.assertEqual(email.status, "pending")
        self.assertEqual(email.attempts, 1)
        self.assertIn("ConnectionRefusedError", email.last_error)

    def test_after_the_last_attempt_it_gives_up(self):
        email = self.owe_receipt()
        OutgoingEmail.objects.filter(pk=email.pk).update(
            attempts=emails.MAX_ATTEMPTS - 1
        )

        with (
            override_settings(
                MAILERS={
                    "default": {
                        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
                    }
                }
            ),
            self.assertRaises(emails.EmailNotSent),
        ):
            emails.deliver(email_id=email.pk)

        email.refresh_from_db()
        self.assertEqual(email.status, "failed")

    def test_a_sent_email_is_never_sent_again(self):
        email = self.owe_receipt()

        self.assertEqual(emails.deliver(email_id=email.pk), "sent")
        self.assertEqual(emails.deliver(email_id=email.pk), "not pending")

        self.assertEqual(len(mail.outbox), 1)

    def test_send_pending_emails_sends_what_is_owed(self):
        email = self.owe_receipt()

        call_command("send_pending_emails", verbosity=0)

        email.refresh_from_db()
        self.assertEqual(email.status, "sent")
        self.assertEqual(len(mail.outbox), 1)

    def test_retry_delays_grow_to_an_hour(self):
        delays = [emails.retry_delay(n).total_seconds() / 60 for n in range(1, 9)]

        self.assertEqual(delays, [1, 2, 4, 8, 16, 32, 60, 60])


class OutgoingEmailAdminTests(TestCase):
    def test_a_fundraiser_can_send_a_failed_email_again(self):
        supporter = SupporterFactory(email="ada@example.org")
        donation = DonationFactory(supporter=supporter, provider_id="pi_1")
        email = OutgoingEmail.objects.create(
            kind="receipt",
            reference="donation:1",
            donation=donation,
            to=supporter.email,
            status="failed",
            attempts=8,
        )
        self.client.force_login(fundraiser())

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:donations_outgoingemail_changelist"),
                {"action": "send_again", "_selected_action": [email.pk]},
            )

        email.refresh_from_db()
        self.assertEqual(email.status, "sent")
        self.assertEqual([m.to for m in mail.outbox], [["ada@example.org"]])
