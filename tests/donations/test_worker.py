"""
Emails through the real background path: django-tasks-db's database
backend, its db_worker command, and a real SMTP server on 127.0.0.1
(aiosmtpd). These commit for real (TransactionTestCase), since the worker
manages its own transactions.
"""

import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from donations.models import Donation, OutgoingEmail

from . import events
from .factories import CampaignFactory

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            message_from_bytes(envelope.content, policy=default_policy)
        )
        return "250 Message accepted"


def smtp_mailer(port):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


def run_worker():
    call_command(
        "db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0
    )


class WorkerTests(TransactionTestCase):
    def setUp(self):
        CampaignFactory(is_current=True, name="Winter drive")
        self.port = free_port()
        self.inbox = Inbox()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        settings = override_settings(
            TASKS=DATABASE_TASKS, MAILERS=smtp_mailer(self.port)
        )
        settings.enable()
        self.addCleanup(settings.disable)

    def start_mail_server(self):
        self.smtp.start()
        self.addCleanup(self.smtp.stop)

    def subjects(self):
        return sorted(message["Subject"] for message in self.inbox.messages)

    def test_a_receipt_is_enqueued_then_sent_by_the_worker_over_smtp(self):
        self.start_mail_server()

        response = events.deliver(
            self.client,
            events.checkout_completed(
                email="ada@example.org", amount=2500, payment_intent="pi_1"
            ),
        )

        self.assertEqual(response.status_code, 200)
        # The webhook only enqueued: nothing is sent inside its response.
        self.assertEqual(self.inbox.messages, [])
        self.assertEqual(DBTaskResult.objects.filter(status="READY").count(), 2)
        run_worker()
        self.assertEqual(
            self.subjects(),
            [
                "Welcome, and thank you for supporting Factually",
                "Your receipt: 25.00 USD gift to Factually",
            ],
        )
        receipt = next(
            m for m in self.inbox.messages if m["Subject"].startswith("Your")
        )
        self.assertEqual(receipt["To"], "ada@example.org")
        self.assertIn(
            "Campaign: Winter drive", receipt.get_body(("plain",)).get_content()
        )
        self.assertIn("Winter drive", receipt.get_body(("html",)).get_content())
        self.assertEqual(DBTaskResult.objects.filter(status="SUCCESSFUL").count(), 2)

    def test_a_webhook_retried_while_the_email_task_is_failing_gives_one_donation_and_one_receipt(
        self,
    ):
        event = events.checkout_completed(
            email="ada@example.org", payment_intent="pi_1"
        )

        # The mail server is down: the first delivery records the donation,
        # and the worker's sends fail and are put back for later.
        events.deliver(self.client, event)
        run_worker()
        self.assertEqual(
            list(OutgoingEmail.objects.values_list("status", "attempts")),
            [("pending", 1), ("pending", 1)],
        )
        self.assertEqual(DBTaskResult.objects.filter(status="FAILED").count(), 2)

        # Stripe, told nothing about our mail, redelivers the event anyway
        # (as it does after a timeout), twice.
        for _ in range(2):
            response = events.deliver(self.client, event)
            self.assertEqual(response.content, b"Already processed.\n")
        run_worker()  # The retries are not due yet: nothing happens.
        self.assertEqual(self.inbox.messages, [])

        # The mail server recovers; the retries fall due.
        self.start_mail_server()
        with time_machine.travel(timezone.now() + timedelta(minutes=2)):
            run_worker()

        self.assertEqual(Donation.objects.count(), 1)
        self.assertEqual(
            self.subjects(),
            [
                "Welcome, and thank you for supporting Factually",
                "Your receipt: 5.00 USD gift to Factually",
            ],
        )
        self.assertEqual(
            list(OutgoingEmail.objects.values_list("status", "attempts")),
            [("sent", 2), ("sent", 2)],
        )
        # Running again sends nothing more.
        call_command("send_pending_emails", verbosity=0)
        run_worker()
        self.assertEqual(len(self.inbox.messages), 2)
