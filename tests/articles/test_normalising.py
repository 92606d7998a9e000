"""
Text is stored in one form whatever path brought it in (factually/text.py):
"\\n" line endings, NFC, nothing XML cannot carry. A difference that is
only normalisation is no difference, and feeds never fail on what is stored.
"""

import importlib
import unicodedata
import xml.etree.ElementTree as ET

from django.apps import apps
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from reversion.models import Version

from articles.factchecks.publishing import publish
from articles.factchecks.shape import load
from articles.models import Article, Author, Citation, Publication, Section, Topic
from factually.text import normalise
from sources.models import Source
from tests.articles.factories import (
    SectionFactory,
    approve_as_is,
    build_article,
    edit_summary,
    published_article,
)
from tests.articles.test_admin import AdminTestCase, change_form_data
from tests.articles.test_importing import SAMPLES

NFD_CAFE = unicodedata.normalize("NFD", "Café")
# One of each kind XML 1.0 cannot carry, and the line endings browsers send.
UNWRITABLE = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"]
HOSTILE = "A\x01B\x0bC\x0cD\ufffeE\uffffF\ud800G\r\nH\rI"


class NormaliseTests(SimpleTestCase):
    def test_line_endings_become_line_feeds(self):
        self.assertEqual(normalise("a\r\nb\rc\nd"), "a\nb\nc\nd")

    def test_unicode_is_composed(self):
        self.assertEqual(normalise(NFD_CAFE), "Café")
        self.assertEqual(len(normalise(NFD_CAFE)), 4)

    def test_characters_xml_cannot_carry_are_stripped(self):
        for char in [*UNWRITABLE, "\ud800", "\udfff"]:
            with self.subTest(char=hex(ord(char))):
                self.assertEqual(normalise(f"a{char}b"), "ab")
        self.assertEqual(normalise("tab\tand line\nstay"), "tab\tand line\nstay")
        self.assertEqual(normalise(HOSTILE), "ABCDEFG\nH\nI")

    def test_a_control_between_letter_and_accent_does_not_keep_them_apart(self):
        self.assertEqual(normalise("e\x01\u0301"), "é")

    @given(st.text(st.characters(codec=None, exclude_categories=())))
    def test_any_text_comes_out_writable_in_xml_and_stable(self, value):
        normalised = normalise(value)
        element = ET.Element("entry")
        element.text = normalised
        self.assertEqual(
            ET.fromstring(ET.tostring(element, encoding="unicode")).text or "",
            normalised,
        )
        self.assertEqual(normalise(normalised), normalised)
        self.assertTrue(unicodedata.is_normalized("NFC", normalised))

    def test_anything_but_text_is_left_alone(self):
        self.assertIsNone(normalise(None))
        self.assertEqual(normalise(3), 3)


class ModelPathTests(TestCase):
    """The shell's paths: create(), save(), bulk_create() and update()."""

    def test_create_stores_line_feeds_and_nfc(self):
        article = build_article(sections=0, title=f"Fact check: {NFD_CAFE}\x01?")
        section = Section.objects.create(
            article=article, position=1, heading="H\x0bead", body="One.\r\nTwo.\rThree."
        )

        self.assertEqual(section.body, "One.\nTwo.\nThree.")  # The instance too.
        section.refresh_from_db()
        article.refresh_from_db()
        self.assertEqual(section.body, "One.\nTwo.\nThree.")
        self.assertEqual(section.heading, "Head")
        self.assertEqual(article.title, "Fact check: Café?")

    def test_save_bulk_create_and_update_normalise(self):
        article = build_article(sections=0)
        article.summary = "a\r\nb"
        article.save()
        Section.objects.bulk_create(
            [Section(article=article, position=1, heading="x", body="c\r\nd")]
        )
        Section.objects.filter(article=article).update(heading=f"{NFD_CAFE}\ufffe")

        article.refresh_from_db()
        section = article.sections.get()
        self.assertEqual(article.summary, "a\nb")
        self.assertEqual(section.body, "c\nd")
        self.assertEqual(section.heading, "Café")

    def test_every_editable_text_of_every_model_is_normalised(self):
        topic = Topic.objects.create(name=HOSTILE, slug="t")
        author = Author.objects.create(name=HOSTILE, slug="a", bio=HOSTILE)
        source = Source.objects.create(
            title=HOSTILE, publisher=HOSTILE, url="https://example.org/x"
        )
        article = build_article(citations=0, sources_note=HOSTILE)
        citation = Citation.objects.create(
            article=article, position=1, source=source, pinpoint=HOSTILE, note=HOSTILE
        )
        clean = normalise(HOSTILE)
        for obj, names in [
            (topic, ["name"]),
            (author, ["name", "bio"]),
            (source, ["title", "publisher"]),
            (article, ["sources_note"]),
            (citation, ["pinpoint", "note"]),
        ]:
            obj.refresh_from_db()
            for name in names:
                with self.subTest(model=type(obj).__name__, field=name):
                    self.assertEqual(getattr(obj, name), clean)

    def test_a_normalised_save_keeps_the_draft_digest(self):
        article = build_article(summary="One.\nTwo.")
        before = load(article).digest()

        article.summary = "One.\r\nTwo."
        article.save()

        self.assertEqual(load(Article.objects.get(pk=article.pk)).digest(), before)


class AdminFormTests(AdminTestCase):
    def test_browser_line_endings_are_no_change(self):
        article = build_article(summary="Line one.\nLine two.", sections=0)
        SectionFactory(article=article, position=1, body="Para one.\n\nPara two.")
        approve_as_is(article)
        digest = Article.objects.get(pk=article.pk).draft_digest

        response = self.save_in_admin(
            self.writer,
            article,
            summary="Line one.\r\nLine two.",
            **{"sections-0-body": "Para one.\r\n\r\nPara two."},
        )

        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.draft_digest, digest)
        self.assertTrue(article.is_approved(load(article).digest()))
        comment = Version.objects.get_for_object(article).first().revision.get_comment()
        self.assertNotIn("Changed", comment)
        self.assertEqual(article.sections.get().body, "Para one.\n\nPara two.")

    def test_first_browser_save_of_an_imported_draft_changes_nothing(self):
        text = (SAMPLES / "plain_page.txt").read_text(encoding="utf-8")
        self.client.force_login(self.writer)
        self.client.post(reverse("admin:articles_article_import"), {"text": text})
        article = Article.objects.get()
        digest = article.draft_digest
        # What a browser posts back: every line ending as "\r\n".
        data = {
            name: value.replace("\n", "\r\n") if isinstance(value, str) else value
            for name, value in change_form_data(article).items()
        }
        self.assertTrue(any("\r\n" in str(value) for value in data.values()))

        response = self.client.post(self.change_url(article), data)

        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.draft_digest, digest)
        comment = Version.objects.get_for_object(article).first().revision.get_comment()
        self.assertNotIn("Changed", comment)

    def test_decomposed_accents_are_no_change(self):
        article = build_article(title="Fact check: Is the Café open?")

        self.save_in_admin(
            self.writer, article, title=f"Fact check: Is the {NFD_CAFE} open?"
        )

        comment = Version.objects.get_for_object(article).first().revision.get_comment()
        self.assertNotIn("Changed", comment)

    def test_a_real_change_among_line_endings_is_still_recorded(self):
        article = build_article(summary="Line one.\nLine two.")

        self.save_in_admin(self.writer, article, summary="Line one.\r\nLine 2.")

        comment = Version.objects.get_for_object(article).first().revision.get_comment()
        self.assertIn("Changed Executive summary", comment)
        article.refresh_from_db()
        self.assertEqual(article.summary, "Line one.\nLine 2.")

    def test_browser_line_endings_beside_a_new_topic_are_details_only(self):
        article = build_article(sections=0)
        SectionFactory(article=article, position=1, body="Para one [1].\n\nTwo [2].")
        approve_as_is(article)
        publish(article=article, kind="first")
        topic = Topic.objects.create(name="Elections", slug="elections")

        self.save_in_admin(
            self.editor,
            article,
            topics=[topic.pk],
            **{"sections-0-body": "Para one [1].\r\n\r\nTwo [2]."},
        )
        approve_as_is(article)
        publication = publish(article=article, kind="details", user=self.editor)

        changes = publication.page_content()["changes"]
        self.assertEqual(changes["parts"], [])
        self.assertEqual(changes["fields"], [])


def parse(response):
    """The feed as XML: parsing fails on anything XML cannot carry."""
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)


class FeedTests(TestCase):
    def feeds(self):
        return [
            parse(self.client.get(reverse("feed"))),
            parse(self.client.get(reverse("articles:corrections_feed"))),
        ]

    def test_every_field_a_feed_carries_survives_unwritable_characters(self):
        for char in UNWRITABLE:
            with self.subTest(char=hex(ord(char))):
                bad = f"x{char}y"
                article = published_article(
                    title=f"Fact check: {bad}?", summary=f"Summary {bad}."
                )
                topic = Topic.objects.create(
                    name=f"Topic {bad} {ord(char)}", slug=f"t{ord(char)}"
                )
                author = Author.objects.create(
                    name=f"Author {bad}", slug=f"a{ord(char)}"
                )
                article.topics.add(topic)
                article.authors.add(author)
                edit_summary(article, f"More {bad}.")
                publish(article=article, kind="correction", note=f"Note {bad}.")

                latest, corrections = self.feeds()

                text = ET.tostring(corrections, encoding="unicode")
                self.assertIn("Note xy.", text)
                self.assertIn("xy", ET.tostring(latest, encoding="unicode"))

    def test_rows_stored_before_normalising_do_not_take_feeds_down(self):
        article = published_article()
        edit_summary(article)
        publish(article=article, kind="correction", note="A note.")
        # Written around the models, as rows stored before them were.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Publication._meta.db_table} SET title = %s, note = %s, "
                "excerpt = %s",
                ["Fact check: \x01\x0b\ufffe?", "Note \x01.", "Excerpt \x0c."],
            )
            cursor.execute(
                f"UPDATE {Topic._meta.db_table} SET name = %s", ["Topic \x01"]
            )

        latest, corrections = self.feeds()

        self.assertIn("Note .", ET.tostring(corrections, encoding="unicode"))
        self.assertIn("Excerpt .", ET.tostring(latest, encoding="unicode"))


class MigrationTests(TestCase):
    """0018 brings stored text to the form every path now saves."""

    def test_stored_drafts_and_publications_are_normalised_as_published(self):
        article = published_article(summary="One.\nTwo.", sections=1)
        table = Section._meta.db_table
        publication = Publication.objects.get(article=article)
        draft = publication.content["draft"]
        draft["summary"] = "One.\r\nTwo."
        draft["sections"][0]["body"] = "A\r\nB\x01"
        raw_digest = "0" * 64
        # What the admin stored before: "\r\n" in the draft and the
        # publication, the draft as published.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Article._meta.db_table} SET summary = %s, draft_digest = %s",
                ["One.\r\nTwo.", raw_digest],
            )
            cursor.execute(f"UPDATE {table} SET body = %s", ["A\r\nB\x01"])
        Publication.objects.filter(pk=publication.pk).update(
            content={**publication.content, "draft": draft}, draft_digest=raw_digest
        )

        importlib.import_module(
            "articles.migrations.0019_normalise_stored_text"
        ).normalise_stored_text(apps, None)

        article.refresh_from_db()
        publication.refresh_from_db()
        self.assertEqual(article.summary, "One.\nTwo.")
        self.assertEqual(article.sections.get().body, "A\nB")
        self.assertEqual(publication.content["draft"]["summary"], "One.\nTwo.")
        self.assertNotEqual(publication.draft_digest, raw_digest)
        # Still as published: nothing to publish.
        self.assertEqual(article.draft_digest, publication.draft_digest)
        self.assertEqual(load(article).digest(), publication.draft_digest)
