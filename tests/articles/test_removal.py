"""
A version removed from public view for legal reasons leaves every public
page and list: only a tombstone stays in the update history.
"""

import datetime
import json
import re

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from articles.factchecks.publishing import remove_version, withdraw
from articles.models import Publication, VersionRemoval
from tests.articles.factories import edit_summary, published_article

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.roles import create_roles, staff

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
# What version 2 said and its note: neither may be public once removed.
REMOVED_TEXT = "The mayor took a bribe."
REMOVED_NOTE = "Corrected what the mayor said about the budget."
COURT_NOTE = "Removed by order of the district court, case 12/2026."


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def structured_data(response):
    """The page's JSON-LD, parsed."""
    (script,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(script)


@time_machine.travel(NOW, tick=False)
class RemovedVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")
        with time_machine.travel(days_ago(10), tick=False):
            cls.article = published_article(slug="budget", claims=1)
        with time_machine.travel(days_ago(6), tick=False):
            edit_summary(cls.article, REMOVED_TEXT)
            publish(article=cls.article, kind="correction", note=REMOVED_NOTE)
        with time_machine.travel(days_ago(3), tick=False):
            # Version 3 takes the sentence out again.
            cls.article.summary = "The short answer. More context."
            cls.article.save(update_fields=["summary"])
            publish(article=cls.article, kind="update", note="Added context.")
        cls.second = Publication.objects.get(article=cls.article, version=2)

    def remove(self):
        with self.captureOnCommitCallbacks(execute=True):
            return remove_version(
                publication=self.second, note=COURT_NOTE, user=self.editor
            )

    def get(self, url, status=200):
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        return response

    def test_the_article_page_keeps_only_a_tombstone(self):
        url = self.article.get_absolute_url()
        before = self.get(url)  # Kept by every cache on the way.
        self.assertContains(before, REMOVED_NOTE)

        self.remove()

        response = self.get(url)
        self.assertNotContains(response, REMOVED_NOTE)
        self.assertNotContains(response, "bribe")
        self.assertNotContains(response, 'id="corrections-heading"')
        history = response.content.decode().split('<ol class="history">')[1]
        history = history.split("</ol>")[0]
        self.assertInHTML(
            '<li class="history__item history__item--removed">'
            '<a href="/fact-checks/budget/versions/2/">Version 2</a> was removed on '
            '<time datetime="2026-11-20T12:00:00Z">November 20, 2026</time>: '
            f"{COURT_NOTE}</li>",
            history,
        )
        self.assertIn("Added context.", history)

    def test_the_structured_data_lists_no_correction(self):
        self.assertIn(
            "correction", structured_data(self.get(self.article.get_absolute_url()))[0]
        )

        self.remove()

        data = structured_data(self.get(self.article.get_absolute_url()))
        self.assertNotIn("correction", data[0])
        self.assertNotIn(REMOVED_NOTE, json.dumps(data))

    def test_the_corrections_log_its_feed_the_feed_and_sitemap_leave_it_out(self):
        urls = [
            reverse("articles:corrections"),
            reverse("articles:corrections_feed"),
            reverse("feed"),
            reverse("sitemap"),
        ]
        self.assertContains(self.get(urls[0]), REMOVED_NOTE)

        self.remove()

        for url in urls:
            with self.subTest(url=url):
                response = self.get(url)
                self.assertNotContains(response, REMOVED_NOTE)
                self.assertNotContains(response, "bribe")
                self.assertNotContains(response, "/versions/2/")

    def test_its_own_address_shows_the_removal_note(self):
        self.remove()

        for url in (self.second.get_version_url(), self.second.get_changes_url()):
            with self.subTest(url=url):
                response = self.get(url, status=410)
                self.assertContains(response, COURT_NOTE, status_code=410)
                self.assertNotContains(response, "bribe", status_code=410)
                self.assertNotContains(response, REMOVED_NOTE, status_code=410)

    def test_later_versions_pages_show_neither_its_text_nor_its_note(self):
        third = Publication.objects.get(article=self.article, version=3)
        self.assertContains(self.get(third.get_changes_url()), "bribe")

        self.remove()

        version = self.get(third.get_version_url())
        changes = self.get(third.get_changes_url())
        self.assertNotContains(version, REMOVED_NOTE)
        self.assertContains(version, COURT_NOTE)
        # Version 3's changes are against version 2: its words would show.
        self.assertNotContains(changes, "bribe")
        self.assertContains(changes, "What changed cannot be shown")
        self.assertContains(changes, "Added context.")

    def test_a_version_published_later_keeps_the_tombstone(self):
        self.remove()
        with self.captureOnCommitCallbacks(execute=True):
            edit_summary(self.article, "Even more context.")
            publish(article=self.article, kind="update", note="Added more.")

        response = self.get(self.article.get_absolute_url())

        self.assertNotContains(response, REMOVED_NOTE)
        self.assertContains(response, COURT_NOTE)

    def test_a_withdrawn_fact_checks_page_keeps_the_tombstone(self):
        self.remove()
        with self.captureOnCommitCallbacks(execute=True):
            withdraw(article=self.article, note="Withdrawn for review.")

        response = self.get(self.article.get_absolute_url(), status=410)

        self.assertNotContains(response, REMOVED_NOTE, status_code=410)
        self.assertContains(response, COURT_NOTE, status_code=410)

    def test_the_withdrawal_readers_see_cannot_be_removed(self):
        withdrawal = withdraw(article=self.article, note="Withdrawn for review.")

        with self.assertRaisesMessage(ValidationError, "cannot be removed"):
            remove_version(publication=withdrawal, note=COURT_NOTE)
        self.assertIs(VersionRemoval.objects.exists(), False)

    def test_an_editor_removes_it_through_the_admin(self):
        url = self.article.get_absolute_url()
        self.get(url)
        self.client.force_login(self.editor)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:articles_publication_remove", args=[self.second.pk]),
                {"note": COURT_NOTE},
            )
        self.client.logout()

        self.assertNotContains(self.get(url), REMOVED_NOTE)
