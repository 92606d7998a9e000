"""
Importing a fact check from its pasted text, with samples written for these
tests in tests/articles/samples/ (each formatted differently).
"""

import datetime
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from articles.newsroom import importing
from tests.articles.test_admin import AdminTestCase
from tests.sources.factories import SourceFactory

SAMPLES = Path(__file__).parent / "samples"


def sample(name):
    return (SAMPLES / name).read_text(encoding="utf-8")


class ReadTests(SimpleTestCase):
    def test_page_with_banner_and_navigation(self):
        found = importing.read(sample("plain_page.txt"))

        self.assertIs(found.readable, True)
        self.assertEqual(
            found.title,
            "Fact check: What evidence exists that the county recount was observed?",
        )
        self.assertEqual(found.checked_on, datetime.date(2025, 11, 2))
        self.assertTrue(found.summary.startswith("Observers from both parties"))
        self.assertEqual(
            [heading for heading, _body in found.sections],
            [
                "The observers",
                "The count",
                "What the court said",
                "Claims of secret counting",
                "What remains uncertain",
                "How we checked",
            ],
        )
        self.assertIn("[2] [1]", found.sections[0][1])
        self.assertIn("[1–3]", found.sections[3][1])
        self.assertEqual(found.citations, 4)
        self.assertEqual(len(found.related), 5)
        self.assertTrue(found.sources_note.startswith("These sources are official"))
        self.assertIn("Keep Factually independent", found.skipped)
        self.assertIn("Share this fact check", found.skipped)
        self.assertNotIn("Donate", found.summary + found.sources_note)

    def test_parenthesised_numbers_colons_and_a_numbered_source_list(self):
        found = importing.read(sample("numbered_parens.txt"))

        self.assertEqual(found.checked_on, datetime.date(2026, 3, 4))
        self.assertEqual(len(found.sections), 3)
        # A numbered list inside a section stays part of it.
        self.assertIn("1. First, the axis.\n2. Then, the dates.", found.sections[1][1])
        self.assertEqual(sorted(found.source_entries), [1, 2, 3])
        self.assertIn("https://water.example.gov/storage", found.source_entries[1])
        self.assertEqual(found.related[0], "Is the state still in a drought?")
        self.assertIn("Updated on 5 March 2026", found.skipped)
        self.assertIn("Copyright 2026 Factually", found.skipped)

    def test_windows_line_endings_dashes_and_bullets(self):
        found = importing.read(sample("crlf_dashes.txt"))

        self.assertEqual(
            found.title, "Fact check: Did the city really plant 10,000 trees last year?"
        )
        self.assertEqual(found.checked_on, datetime.date(2025, 9, 9))
        self.assertIn("[2-3]", found.summary)
        self.assertEqual(found.citations, 3)
        self.assertEqual(
            found.related,
            [
                "How many trees does the city lose each year?",
                "Who pays for street trees?",
            ],
        )
        self.assertEqual(found.skipped, ["Home | Donate"])

    def test_text_without_a_question_is_unreadable(self):
        found = importing.read(sample("unreadable.txt"))

        self.assertIs(found.readable, False)
        self.assertIn("No title was found", found.problems[0])

    def test_question_without_sections_is_unreadable(self):
        found = importing.read("Is this a fact check?\n\nJust one paragraph.")

        self.assertIs(found.readable, False)
        self.assertIn("No numbered sections were found", " ".join(found.problems))

    def test_pathological_text_is_refused_before_anything_is_made(self):
        found = importing.read(
            "Fact check: Is this too much?\nChecked on 2025-01-01\n1. One\n"
            + "![" * 4000
        )

        self.assertIs(found.readable, False)
        self.assertIn("Markdown symbols", " ".join(found.problems))


class CreateDraftTests(AdminTestCase):
    def test_draft_has_everything_in_place_in_one_revision(self):
        known = SourceFactory(url="https://water.example.gov/storage/")
        imported = importing.read(sample("numbered_parens.txt"))

        article = importing.create_draft(imported, user=self.writer)

        self.assertEqual(article.sections.count(), 3)
        self.assertEqual(
            list(article.citations.values_list("position", "source")),
            [(1, known.pk), (2, None), (3, None)],
        )
        self.assertEqual(article.related_questions.count(), 2)
        self.assertIn(
            "Source 2 as listed, to attach: Interview with a hydrologist, March 2026.",
            imported.recognised,
        )
        self.assertEqual(
            article.slug,
            "what-does-the-states-drought-data-really-show-about-reservoir-levels",
        )
        versions = Version.objects.get_for_object(article)
        self.assertEqual(versions.count(), 1)
        self.assertEqual(len(versions[0].revision.version_set.all()), 1 + 3 + 3 + 2)
        self.assertEqual(versions[0].revision.user, self.writer)

    def test_slug_taken_gets_a_number(self):
        first = importing.create_draft(importing.read(sample("crlf_dashes.txt")))
        second = importing.create_draft(importing.read(sample("crlf_dashes.txt")))

        self.assertEqual(second.slug, first.slug + "-2")


class ImportViewTests(AdminTestCase):
    url = reverse("admin:articles_article_import")

    def test_writer_imports_and_lands_on_the_draft_with_the_report(self):
        self.client.force_login(self.writer)

        response = self.client.post(
            self.url, {"text": sample("plain_page.txt")}, follow=True
        )

        article = Article.objects.get()
        self.assertRedirects(
            response, reverse("admin:articles_article_change", args=[article.pk])
        )
        self.assertContains(response, "Imported from text:")
        self.assertContains(response, "6 sections")
        self.assertContains(response, "Skipped (not part of the fact check):")
        self.assertContains(response, "<li>Keep Factually independent</li>", html=True)

    def test_unreadable_text_reports_and_creates_nothing(self):
        self.client.force_login(self.writer)

        response = self.client.post(self.url, {"text": sample("unreadable.txt")})

        self.assertContains(response, "Nothing was created")
        self.assertContains(response, "No title was found")
        self.assertFalse(Article.objects.exists())

    def test_empty_form_asks_for_text(self):
        self.client.force_login(self.writer)

        response = self.client.post(self.url, {"text": "  "})

        self.assertContains(response, "Paste the text of a fact check")
        self.assertFalse(Article.objects.exists())

    def test_text_over_the_limit_is_refused_and_kept_in_the_form(self):
        self.client.force_login(self.writer)
        # A 5 MB paste: the page's text, then pages of what is not the fact check.
        text = sample("plain_page.txt") + "\n" + "Menu item. " * 500_000

        response = self.client.post(self.url, {"text": text})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This text is 5.2\xa0MB; at most 1 MB")
        self.assertEqual(response.context["form"]["text"].value(), text)
        self.assertFalse(Article.objects.exists())

    def test_the_limit_is_stated_on_the_form(self):
        self.client.force_login(self.writer)

        response = self.client.get(self.url)

        self.assertContains(response, "At most 1 MB")
        self.assertContains(response, f'data-max-bytes="{1024 * 1024}"')

    def test_a_post_over_the_site_limit_gets_a_page_that_says_why(self):
        self.client.force_login(self.writer)

        response = self.client.post(self.url, {"text": "x" * (11 * 1024 * 1024)})

        self.assertContains(
            response, "larger than this site accepts (10 MB at once)", status_code=400
        )
        self.assertFalse(Article.objects.exists())

    def test_list_page_links_to_it_and_fundraiser_is_refused(self):
        self.client.force_login(self.writer)
        self.assertContains(
            self.client.get(reverse("admin:articles_article_changelist")), self.url
        )
        self.client.force_login(self.fundraiser)
        self.assertEqual(self.client.get(self.url).status_code, 403)


class ImportCommandTests(AdminTestCase):
    def test_command_creates_the_draft_and_reports(self):
        out = StringIO()

        call_command("import_fact_check", str(SAMPLES / "crlf_dashes.txt"), stdout=out)

        self.assertEqual(Article.objects.get().sections.count(), 2)
        self.assertIn("Recognised: 2 sections", out.getvalue())
        self.assertIn("Skipped: Home | Donate", out.getvalue())

    def test_dry_run_creates_nothing(self):
        out = StringIO()

        call_command(
            "import_fact_check",
            str(SAMPLES / "plain_page.txt"),
            "--dry-run",
            stdout=out,
        )

        self.assertFalse(Article.objects.exists())
        self.assertIn("Dry run: nothing was created.", out.getvalue())

    def test_unreadable_file_fails_and_creates_nothing(self):
        with self.assertRaisesMessage(CommandError, "Nothing was created"):
            call_command(
                "import_fact_check", str(SAMPLES / "unreadable.txt"), stderr=StringIO()
            )
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            call_command("import_fact_check", str(SAMPLES / "missing.txt"))
        self.assertFalse(Article.objects.exists())
