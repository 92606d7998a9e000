"""
Review and asker emails through the real background path: django-tasks-db's
database backend, its db_worker, and a real SMTP server on 127.0.0.1 that is
down when the act happens and comes back later. These commit for real
(TransactionTestCase), since the worker manages its own transactions.
"""

from datetime import timedelta

import time_machine
from aiosmtpd.controller import Controller
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.factchecks.publishing import publish
from articles.models import Article, ReaderQuestion
from articles.readers import asking
from tests.articles.factories import build_article
from tests.donations.test_worker import (
    DATABASE_TASKS,
    Inbox,
    free_port,
    run_worker,
    smtp_mailer,
)
from tests.roles import create_roles, staff


class ReviewEmailWorkerTests(TransactionTestCase):
    def setUp(self):
        create_roles()
        self.writer = staff("Writer", email="writer@example.com")
        self.editor = staff("Editor", email="editor@example.com")
        self.port = free_port()
        self.inbox = Inbox()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        settings = override_settings(
            TASKS=DATABASE_TASKS,
            MAILERS=smtp_mailer(self.port),
            SITE_URL="https://factually.example",
        )
        settings.enable()
        self.addCleanup(settings.disable)

    def mail_server_comes_back(self):
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        # The retry falls due.
        with time_machine.travel(timezone.now() + timedelta(minutes=2)):
            run_worker()

    def test_submitting_with_the_mail_server_down_succeeds_and_the_email_follows(self):
        article = build_article(
            approved=False, title="Fact check: Was the\nbridge money stolen?"
        )
        Article.objects.filter(pk=article.pk).update(assigned_reviewer=self.editor)
        self.client.force_login(self.writer)

        response = self.client.post(
            reverse("admin:articles_article_submit_review", args=[article.pk]),
            {"review_note": "Over to you."},
        )

        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.review_state, Article.ReviewState.READY)
        # The mail server is down: the worker's send fails and is put back.
        run_worker()
        self.assertEqual(self.inbox.messages, [])
        self.assertEqual(DBTaskResult.objects.filter(status="FAILED").count(), 1)
        self.assertEqual(DBTaskResult.objects.filter(status="READY").count(), 1)

        self.mail_server_comes_back()

        [message] = self.inbox.messages
        self.assertEqual(message["To"], "editor@example.com")
        self.assertIn("bridge money stolen", message["Subject"])
        self.assertNotIn("\n", message["Subject"])
        self.assertIn("Over to you.", message.get_body(("plain",)).get_content())

    def test_an_asker_is_told_once_the_mail_server_is_back(self):
        article = build_article(title="Fact check: Was the bridge money stolen?")
        question = asking.submit(
            claim="The mayor said the bridge money was stolen.",
            email="asker@example.com",
            consent=True,
        )
        ReaderQuestion.objects.filter(pk=question.pk).update(
            status="accepted", fact_check=article
        )

        publish(article=article, kind="first", user=self.editor)
        run_worker()
        question.refresh_from_db()
        self.assertEqual(question.email, "asker@example.com")

        self.mail_server_comes_back()

        [message] = self.inbox.messages
        self.assertEqual(message["To"], "asker@example.com")
        question.refresh_from_db()
        self.assertEqual(question.email, "")
        self.assertIsNotNone(question.notified_at)
