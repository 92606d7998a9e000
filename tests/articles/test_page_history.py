"""The about pages' public history: every change dated, noted and marked."""

import datetime

import time_machine
from django.test import TestCase
from django.urls import reverse

from articles.models import Page, PageVersion
from tests.roles import create_roles, staff

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
NOTE = "We now name the second editor who reviews each fact check."


def version_url(number, slug="methodology"):
    return reverse("articles:page_version", kwargs={"slug": slug, "number": number})


def changes_url(number, slug="methodology"):
    return reverse("articles:page_changes", kwargs={"slug": slug, "number": number})


@time_machine.travel(NOW, tick=False)
class PageHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")
        cls.page = Page.objects.get(slug="methodology")
        cls.url = reverse("admin:articles_page_change", args=[cls.page.pk])

    def post(self, **changes):
        """Save the page through the admin as a browser would (CRLF lines)."""
        data = {
            "title": self.page.title,
            "description": self.page.description,
            "lede": self.page.lede,
            "body": self.page.body.replace("\n", "\r\n"),
            "change_note": "",
            **changes,
        }
        self.client.force_login(self.editor)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, data)
        self.client.logout()
        return response

    def edit_review_paragraph(self, note=NOTE):
        body = self.page.body.replace(
            "A second editor reads", "A second editor, named on the page, reads"
        )
        self.assertNotEqual(body, self.page.body)
        return self.post(body=body.replace("\n", "\r\n"), change_note=note)

    def test_every_page_starts_with_its_first_version(self):
        self.assertQuerySetEqual(
            PageVersion.objects.order_by("page__slug").values_list(
                "page__slug", "number", "note"
            ),
            [
                ("corrections", 1, ""),
                ("funding", 1, ""),
                ("methodology", 1, ""),
                ("team", 1, ""),
            ],
            transform=tuple,
        )

    def test_an_editors_change_is_a_dated_version_listed_on_the_page(self):
        self.client.get(reverse("methodology"))  # Kept by the page cache.

        response = self.edit_review_paragraph()

        self.assertEqual(response.status_code, 302)
        version = self.page.versions.get(number=2)
        self.assertEqual(version.note, NOTE)
        self.assertEqual(version.published_at, NOW)
        self.assertEqual(version.published_by, self.editor)
        page = self.client.get(reverse("methodology"))
        self.assertContains(page, "Changes to this page")
        self.assertContains(page, NOTE)
        self.assertContains(page, f'href="{changes_url(2)}"')
        self.assertContains(page, f'href="{version_url(1)}"')
        self.assertContains(
            page, '<time datetime="2026-11-20T12:00:00Z">November 20, 2026</time>'
        )

    def test_the_changes_page_marks_the_words_that_changed(self):
        self.edit_review_paragraph()

        response = self.client.get(changes_url(2))

        self.assertContains(response, "A second editor<ins>, named on the page,</ins>")
        self.assertContains(response, NOTE)
        self.assertContains(response, '<h2 class="change__label">Body</h2>', html=True)
        self.assertNotContains(response, "Title</h2>")
        # Unchanged paragraphs are left out, but the heading above the change.
        self.assertContains(response, "## Review before publication")
        self.assertNotContains(response, "We pick questions that matter")
        self.assertContains(response, "[7 paragraphs unchanged]")
        self.assertEqual(response["X-Robots-Tag"], "noindex")

    def test_old_versions_stay_readable_as_they_were(self):
        self.edit_review_paragraph()

        old = self.client.get(version_url(1))
        new = self.client.get(version_url(2))

        self.assertContains(old, "A second editor reads every fact check")
        self.assertNotContains(old, "named on the page")
        self.assertContains(old, "This is version 1 of")
        self.assertContains(new, "A second editor, named on the page, reads")
        self.assertContains(old, '<meta name="robots" content="noindex">')

    def test_a_change_without_a_note_is_refused_and_saves_nothing(self):
        body = self.page.body

        response = self.edit_review_paragraph(note="  ")

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Say what changed and why")
        self.page.refresh_from_db()
        self.assertEqual(self.page.body, body)
        self.assertEqual(self.page.versions.count(), 1)

    def test_a_save_that_changes_nothing_makes_no_version(self):
        response = self.post()

        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.page.versions.count(), 1)
        self.assertNotContains(self.client.get(reverse("methodology")), "Version 2")

    def test_a_note_alone_changes_nothing(self):
        self.post(change_note="Nothing really.")

        self.assertEqual(self.page.versions.count(), 1)

    def test_the_first_version_and_unknown_ones_have_no_changes_page(self):
        self.edit_review_paragraph()

        for url in (changes_url(1), changes_url(3), version_url(3)):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_each_page_lists_only_its_own_versions(self):
        self.edit_review_paragraph()

        response = self.client.get(reverse("corrections"))

        self.assertNotContains(response, NOTE)
        self.assertContains(response, f'href="{version_url(1, "corrections")}"')
