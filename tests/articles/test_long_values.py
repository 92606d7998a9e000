"""
Long values never crash: every bounded field editors or readers can set,
at its maximum, goes through review and publishing, and what publishing
derives from them (the social card's name above all) stays within its
column. PostgreSQL enforces lengths where SQLite does not, so each test
also compares every stored value with its field's max_length itself.
"""

import datetime

from django.core.files.storage import default_storage
from django.db import models
from django.test import TestCase
from django.urls import reverse
from django.utils.text import slugify

from articles.factchecks import prerendered_pages as prerender
from articles.factchecks import social_cards as social
from articles.factchecks.publishing import publish
from articles.factchecks.shape import load
from articles.models import (
    Article,
    Author,
    Citation,
    Claim,
    Publication,
    RelatedQuestion,
    Section,
    Topic,
)
from articles.newsroom import workflow
from sources.models import Source
from tests.articles.factories import approve_as_is, build_article
from tests.articles.test_admin import AdminTestCase
from tests.roles import staff


def words(length, word="word"):
    """Readable text of exactly `length` characters."""
    return ((word + " ") * (length // (len(word) + 1) + 1))[: length - 1] + "."


def at_max(model, name, word="word"):
    return words(model._meta.get_field(name).max_length, word)


def url_of(length):
    start = "https://example.org/"
    return start + "p" * (length - len(start))


def assert_within_bounds(test, obj):
    """Every text column of `obj`, as stored, fits its field."""
    obj.refresh_from_db()
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.CharField | models.FileField) and field.max_length:
            value = getattr(obj, field.attname)
            value = getattr(value, "name", value) or ""
            with test.subTest(model=type(obj).__name__, field=field.name):
                test.assertLessEqual(len(value), field.max_length)


class CardNameTests(TestCase):
    def test_the_name_is_bounded_whatever_the_slug_and_numbers(self):
        field = Publication._meta.get_field("social_card")
        publication = Publication(
            article_id=2**63 - 1,
            version=2**31 - 1,
            slug="s" * Publication._meta.get_field("slug").max_length,
            draft_digest="f" * 64,
        )

        name = social.card_name(publication)

        self.assertLessEqual(len(name), field.max_length)
        self.assertNotIn("sss", name)

    def test_a_failed_publication_leaves_no_card_behind(self):
        article = build_article(slug="failing")
        before = cards()

        def broken(publication, removals=None):
            raise RuntimeError("Rendering failed.")

        original = prerender.render
        prerender.render = broken
        try:
            with (
                self.captureOnCommitCallbacks(execute=True),
                self.assertRaises(RuntimeError),
            ):
                publish(article=article, kind="first")
        finally:
            prerender.render = original

        self.assertFalse(Publication.objects.exists())
        self.assertEqual(cards(), before)


def cards():
    """Every stored social card's file name."""
    if not default_storage.exists("social"):
        return set()
    return set(default_storage.listdir("social")[1])


class EveryFieldAtItsMaximumTests(AdminTestCase):
    def test_published_reviewed_and_read_with_every_field_full(self):
        writer, editor = self.writer, self.editor
        topic = Topic.objects.create(
            name=at_max(Topic, "name"),
            slug="t" * Topic._meta.get_field("slug").max_length,
        )
        author = Author.objects.create(
            name=at_max(Author, "name"),
            slug="a" * Author._meta.get_field("slug").max_length,
            role=at_max(Author, "role"),
        )
        source = Source(
            title=at_max(Source, "title"),
            publisher=at_max(Source, "publisher"),
            authors=at_max(Source, "authors"),
            url=url_of(Source._meta.get_field("url").max_length),
            archived_url=url_of(Source._meta.get_field("archived_url").max_length),
            published_on=datetime.date(2025, 1, 1),
        )
        source.full_clean()
        source.save()
        slug_length = Article._meta.get_field("slug").max_length
        article = Article(
            title="Fact check: " + at_max(Article, "title")[12:-1] + "?",
            slug=("long-" * slug_length)[: slug_length - 1] + "x",
            summary=words(Article._meta.get_field("summary").max_length - 4) + " [1]",
            sources_note=at_max(Article, "sources_note"),
            checked_on=datetime.date(2026, 11, 2),
            assigned_writer=writer,
        )
        article.full_clean()
        article.save()
        article.topics.add(topic)
        article.authors.add(author)
        parts = [
            Section(
                article=article,
                position=1,
                heading=at_max(Section, "heading"),
                body=words(Section._meta.get_field("body").max_length - 4) + " [1]",
            ),
            Claim(
                article=article,
                position=1,
                statement=words(2_000),
                claimant=at_max(Claim, "claimant"),
                appearance_url=url_of(
                    Claim._meta.get_field("appearance_url").max_length
                ),
                appearance=at_max(Claim, "appearance"),
                rating="false",
                explanation=words(Claim._meta.get_field("explanation").max_length),
            ),
            Citation(
                article=article,
                position=1,
                source=source,
                pinpoint=at_max(Citation, "pinpoint"),
                note=at_max(Citation, "note"),
            ),
            RelatedQuestion(
                article=article,
                position=1,
                question=at_max(RelatedQuestion, "question"),
            ),
        ]
        for part in parts:
            part.full_clean()
            part.save()
        self.assertEqual(len(article.slug), 200)

        # Reviewed as the roles do it, with their notifications.
        workflow.submit(article=article, user=writer, note=words(2_000))
        self.client.force_login(editor)
        # The reviewer approves the draft she read (the panel sends its digest).
        digest = load(article).digest()
        self.client.post(self.admin_url("approve", article), {"review_digest": digest})
        article.refresh_from_db()
        self.assertTrue(article.is_approved(digest))
        with self.captureOnCommitCallbacks(execute=True):
            first = publish(article=article, kind="first", user=editor)
        article.summary = "Changed " + article.summary[len("Changed ") :]
        article.save()
        approve_as_is(article)
        with self.captureOnCommitCallbacks(execute=True):
            second = publish(
                article=article, kind="correction", note=words(2_000), user=editor
            )

        for publication in (first, second):
            assert_within_bounds(self, publication)
            self.assertTrue(default_storage.exists(publication.social_card.name))
        for obj in (article, topic, author, source, *parts):
            assert_within_bounds(self, obj)
        self.client.logout()
        for url in (
            article.get_absolute_url(),
            second.get_version_url(),
            second.get_changes_url(),
            reverse("feed"),
            reverse("articles:corrections_feed"),
            reverse("articles:corrections"),
            topic.get_absolute_url(),
            author.get_absolute_url(),
            "/sitemap.xml",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)


IMPORTED = """\
Fact check: {question}?

Checked on November 2, 2025

Executive Summary
Observers from both parties watched the recount [1].

1. The observers
The logbook lists 150 people who signed in [1].

Sources
1. County canvass report, https://example.org/canvass
"""


class LongSlugThroughTheAdminTests(AdminTestCase):
    def test_an_88_character_slug_is_imported_reviewed_and_published(self):
        second_editor = staff("Editor", username="second-editor")
        Source.objects.create(
            title="County canvass report", url="https://example.org/canvass"
        )
        question = (
            "What evidence exists that the county recount of the general election "
            "ballots was watched"
        )
        self.assertEqual(len(slugify(question)), 88)
        # Pasted from a browser: "\r\n" line endings.
        text = IMPORTED.format(question=question).replace("\n", "\r\n")

        self.client.force_login(self.writer)
        self.client.post(reverse("admin:articles_article_import"), {"text": text})
        article = Article.objects.get()
        self.assertEqual(len(article.slug), 88)
        self.assertNotIn("\r", article.sections.get().body + article.summary)
        self.client.post(self.admin_url("submit_review", article))
        self.client.force_login(self.editor)
        # The reviewer approves the draft she read (the panel sends its digest).
        digest = load(article).digest()
        self.client.post(self.admin_url("approve", article), {"review_digest": digest})
        article.refresh_from_db()
        self.assertTrue(article.is_approved(digest))

        self.client.force_login(second_editor)
        data = {"kind": "first"}
        confirm = self.client.post(self.admin_url("publish", article), data)
        digest = confirm.context["form"]["digest"].value()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.admin_url("publish", article),
                {**data, "confirm": "True", "digest": digest},
            )

        self.assertEqual(response.status_code, 302)
        publication = Publication.objects.get()
        self.assertEqual(publication.slug, article.slug)
        self.assertEqual(publication.published_by, second_editor)
        assert_within_bounds(self, publication)
        self.assertTrue(default_storage.exists(publication.social_card.name))
        self.client.logout()
        page = self.client.get(article.get_absolute_url())
        self.assertContains(page, publication.social_card.name)
