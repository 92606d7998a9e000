"""Preview share links: only editors make them; listed, revocable, ended by publishing."""

import datetime

import time_machine
from django.utils import timezone

from articles.factchecks.publishing import publish, withdraw
from articles.models import PreviewLink, Section
from audit.models import AuditEntry
from tests.articles.factories import build_article, published_article
from tests.articles.test_admin import AdminTestCase


class PreviewLinkTests(AdminTestCase):
    def make_link(self, user, article):
        self.client.force_login(user)
        return self.client.post(self.admin_url("preview", article))

    def test_editor_makes_a_link_that_opens_the_draft(self):
        article = build_article()

        response = self.make_link(self.editor, article)

        self.assertEqual(response.status_code, 302)
        link = PreviewLink.objects.get()
        self.assertEqual(link.created_by, self.editor)
        self.assertEqual(link.expires_at - link.created_at, datetime.timedelta(days=7))
        self.client.logout()
        self.assertEqual(self.client.get(link.get_absolute_url()).status_code, 200)
        self.assertTrue(
            AuditEntry.objects.filter(action="preview_link.created").exists()
        )

    def test_writer_may_not_make_a_link_even_by_posting(self):
        article = build_article()

        page = self.client.get(self.admin_url("preview", article))
        self.assertEqual(page.status_code, 302)  # Anonymous: to the login page.
        self.client.force_login(self.writer)
        page = self.client.get(self.admin_url("preview", article))
        self.assertNotContains(page, "Make a preview link")
        self.assertContains(page, "Only editors make preview links.")

        self.assertEqual(self.make_link(self.writer, article).status_code, 403)
        self.assertEqual(self.make_link(self.fundraiser, article).status_code, 403)
        self.assertFalse(PreviewLink.objects.exists())

    def test_links_are_listed_and_revoked(self):
        article = build_article()
        link = PreviewLink.objects.create(article=article, created_by=self.editor)
        self.client.force_login(self.editor)

        page = self.client.get(self.admin_url("preview", article))
        self.assertContains(page, link.get_absolute_url())
        self.client.post(
            self.admin_url("revoke_preview_link", article), {"link": link.pk}
        )

        link.refresh_from_db()
        self.assertIsNotNone(link.revoked_at)
        self.assertEqual(link.revoked_by, self.editor)
        self.assertEqual(self.client.get(link.get_absolute_url()).status_code, 404)
        page = self.client.get(self.admin_url("preview", article))
        self.assertNotContains(page, link.get_absolute_url())
        self.assertContains(page, "Revoked by editor")

    def test_writer_may_not_revoke(self):
        article = build_article()
        link = PreviewLink.objects.create(article=article, created_by=self.editor)
        self.client.force_login(self.writer)

        response = self.client.post(
            self.admin_url("revoke_preview_link", article), {"link": link.pk}
        )

        self.assertEqual(response.status_code, 403)
        link.refresh_from_db()
        self.assertIsNone(link.revoked_at)

    def test_a_link_of_another_article_cannot_be_revoked_through_this_one(self):
        article, other = build_article(), build_article()
        link = PreviewLink.objects.create(article=other)
        self.client.force_login(self.editor)

        response = self.client.post(
            self.admin_url("revoke_preview_link", article), {"link": link.pk}
        )

        self.assertEqual(response.status_code, 404)

    def test_publishing_ends_the_links_made_before(self):
        article = build_article()
        link = PreviewLink.objects.create(article=article)

        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1)):
            publish(article=article, kind="first")
            response = self.client.get(link.get_absolute_url())

        self.assertEqual(response.status_code, 404)

    def test_a_link_made_after_publishing_shows_the_next_draft(self):
        article = published_article()
        Section.objects.filter(article=article, position=1).update(body="Next draft.")

        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1)):
            link = PreviewLink.objects.create(article=article)
            response = self.client.get(link.get_absolute_url())

        self.assertContains(response, "Next draft.")

    def test_withdrawing_ends_every_link_and_none_can_be_made(self):
        article = published_article()
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1)):
            link = PreviewLink.objects.create(article=article)
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
            withdraw(article=article, note="Wrong all along.")
            self.assertEqual(self.client.get(link.get_absolute_url()).status_code, 404)

            response = self.make_link(self.editor, article)

        self.assertEqual(PreviewLink.objects.count(), 1)
        page = self.client.get(response["Location"])
        self.assertContains(page, "This fact check is withdrawn")
