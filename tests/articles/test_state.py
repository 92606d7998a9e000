import datetime
import io
from dataclasses import FrozenInstanceError

import reversion
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from articles.factchecks.locking import lock, lock_draft
from articles.factchecks.prerendered_pages import release_key
from articles.factchecks.publish_checks import address_taken_by
from articles.factchecks.publishing import publish
from articles.factchecks.schema import SCHEMA_VERSION
from articles.factchecks.shape import load
from articles.models import Article, Publication, ReaderQuestion, Topic
from articles.newsroom.approvals import latest_revision_id
from articles.newsroom.workflow import latest_revision
from audit.models import AuditEntry
from tests.articles.factories import (
    AuthorFactory,
    TopicFactory,
    approve_as_is,
    build_article,
    edit_summary,
    published_article,
)
from tests.articles.test_admin import change_form_data
from tests.roles import create_roles, staff

# The test clock: days before the database server's own clock, so that a
# rule reading the database's NOW() would see a different moment.
NOW = datetime.datetime(2026, 1, 10, 12, 0, tzinfo=datetime.UTC)


def state_everywhere(client, article):
    """What the change list, its status filter and the change form each say."""
    changelist = client.get(reverse("admin:articles_article_changelist"))
    row = next(a for a in changelist.context["cl"].result_list if a.pk == article.pk)
    listed = changelist.context["cl"].model_admin.status(row)
    filtered = {
        status
        for status in ("draft", "live", "changed", "scheduled", "withdrawn")
        if article.pk
        in [
            a.pk
            for a in client.get(
                reverse("admin:articles_article_changelist") + f"?status={status}"
            )
            .context["cl"]
            .result_list
        ]
    }
    form = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    return listed, filtered, str(form.context["state"])


@time_machine.travel(NOW, tick=False)
class OneAnswerTests(TestCase):
    """Cases where the list, its filter and the change form used to disagree."""

    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_version_scheduled_by_our_clock_is_scheduled_everywhere(self):
        # Due by the database server's clock, scheduled by the site's.
        article = published_article(published_at=NOW - datetime.timedelta(days=2))
        edit_summary(article)
        publish(
            article=article,
            kind="update",
            note="Added the final count.",
            published_at=NOW + datetime.timedelta(days=1),
        )

        listed, filtered, on_form = state_everywhere(self.client, article)

        expected = "Published v1 · v2 scheduled for Jan 11, 2026 12:00"
        self.assertEqual(listed, expected)
        self.assertEqual(on_form, expected)
        self.assertEqual(filtered, {"live", "scheduled"})

    def test_scheduled_version_with_later_draft_edits_has_unpublished_changes(self):
        article = published_article(published_at=NOW - datetime.timedelta(days=2))
        edit_summary(article)
        publish(
            article=article,
            kind="update",
            note="More.",
            published_at=NOW + datetime.timedelta(days=1),
        )
        self.client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            change_form_data(article, summary="Edited after scheduling."),
        )

        listed, filtered, on_form = state_everywhere(self.client, article)

        self.assertEqual(listed, on_form)
        self.assertTrue(listed.endswith("unpublished changes"))
        self.assertEqual(filtered, {"live", "scheduled", "changed"})

    def test_source_edited_after_publishing_is_an_unpublished_change_everywhere(self):
        article = published_article(published_at=NOW - datetime.timedelta(days=2))
        with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
            source = article.citations.get(position=1).source
            source.title = "Corrected report title"
            source.save()

        listed, filtered, on_form = state_everywhere(self.client, article)

        self.assertEqual(listed, "Published v1 · unpublished changes")
        self.assertEqual(on_form, listed)
        self.assertEqual(filtered, {"live", "changed"})

    def test_withdrawn_and_never_published(self):
        from articles.factchecks.publishing import withdraw

        gone = published_article(published_at=NOW - datetime.timedelta(days=2))
        withdraw(article=gone, note="Withdrawn: the source was forged.")
        draft = build_article()

        self.assertEqual(
            state_everywhere(self.client, gone)[:2], ("Withdrawn", {"withdrawn"})
        )
        self.assertEqual(state_everywhere(self.client, draft)[:2], ("Draft", {"draft"}))

    def test_state_without_annotations_matches_the_annotated_one(self):
        article = published_article(published_at=NOW - datetime.timedelta(days=2))

        plain = Article.objects.get(pk=article.pk).publication_state()
        annotated = (
            Article.objects.with_publication_state()
            .get(pk=article.pk)
            .publication_state()
        )

        self.assertEqual(plain, annotated)
        self.assertEqual(str(plain), "Published v1")


class ChangeListQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")

    def test_change_list_queries_do_not_grow_with_rows(self):
        self.client.force_login(self.editor)
        counts = []
        for rows in (3, 12):
            while Article.objects.count() < rows:
                published_article()
            self.client.get(reverse("admin:articles_article_changelist"))  # Warm.
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(reverse("admin:articles_article_changelist"))
            self.assertEqual(len(response.context["cl"].result_list), rows)
            counts.append(len(queries))

        self.assertEqual(counts[0], counts[1])


class LoadOnceQueryTests(TestCase):
    """Publishing and previews load the article once, whatever its size."""

    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.writer = staff("Writer")

    def article(self, size):
        return build_article(sections=size, citations=size, claims=size, related=size)

    def test_staff_preview_in_at_most_11_queries_at_4_and_60_parts(self):
        self.client.force_login(self.writer)
        for size in (4, 60):
            article = self.article(size)
            url = reverse("articles:preview", args=[article.pk])
            with self.subTest(size=size), self.assertNumQueries(11):
                response = self.client.get(url)
            self.assertEqual(len(response.context["content"]["sections"]), size)

    # Publishing: a savepoint and its release (the test's transaction holds
    # publish()'s own); the article locked with all publishing reads of it
    # (articles/locking.py); its four kinds of parts, and its topics and
    # authors together; the publication, its topics and its authors; the
    # record of the page cache's invalidation (kept through a Redis outage);
    # the review state; the audit entry; once the transaction commits, the
    # social card's name check and its row (media live in the database:
    # factually/storage.py). PostgreSQL adds one statement for the search
    # documents and the vocabulary.
    PUBLISH_QUERIES = 16

    def publish_queries(self):
        return self.PUBLISH_QUERIES + (connection.vendor == "postgresql")

    def test_publish_in_at_most_17_queries_at_4_and_60_parts(self):
        # The content type the audit entry names is cached.
        ContentType.objects.get_for_model(Article)
        for size in (4, 60):
            article = self.article(size)
            article.topics.add(TopicFactory(), TopicFactory())
            article.authors.add(AuthorFactory())
            article = approve_as_is(Article.objects.get(pk=article.pk))
            # What runs once it commits (retiring cached pages) counts too.
            with (
                self.subTest(size=size),
                self.assertNumQueries(self.publish_queries()),
                self.captureOnCommitCallbacks(execute=True),
            ):
                publication = publish(article=article, kind="first")
            self.assertEqual(len(publication.content["sections"]), size)
            self.assertLessEqual(self.publish_queries(), 17)

    def test_publishing_an_update_costs_the_same(self):
        ContentType.objects.get_for_model(Article)
        for size in (4, 60):
            article = self.article(size)
            article.topics.add(TopicFactory())
            article.authors.add(AuthorFactory())
            publish(article=approve_as_is(article), kind="first")
            article = edit_summary(Article.objects.get(pk=article.pk))
            with (
                self.subTest(size=size),
                self.assertNumQueries(self.publish_queries()),
                self.captureOnCommitCallbacks(execute=True),
            ):
                publication = publish(
                    article=article,
                    kind="update",
                    note="Added a sentence.",
                    override_reason="Measured.",
                )
            self.assertEqual(publication.version, 2)
            self.assertIsNotNone(publication.content["changes"])


class LockReadsTests(TestCase):
    """What `publish()` reads with the article it locks is what it would look up."""

    def test_lock_reads_the_latest_publication_in_the_same_query(self):
        never = build_article()
        twice = published_article()
        publish(
            article=edit_summary(Article.objects.get(pk=twice.pk)),
            kind="update",
            note="Added a sentence.",
            override_reason="Testing.",
        )

        with transaction.atomic(), self.assertNumQueries(2):  # One each.
            _row, none = lock(never)
            row, latest = lock(twice)

        self.assertIsNone(none)
        self.assertEqual(latest.version, 2)
        self.assertEqual(row.pk, twice.pk)

    def test_locked_draft_holds_what_each_step_would_look_up(self):
        earlier = published_article()
        address = earlier.slug
        # The earlier fact check moves; this one takes its old address.
        Article.objects.filter(pk=earlier.pk).update(slug=f"{address}-moved")
        article = build_article(slug=address)
        with reversion.create_revision():
            article.save()
        ReaderQuestion.objects.create(
            claim="A claim to check.",
            fingerprint="x",
            status=ReaderQuestion.Status.ACCEPTED,
            fact_check=article,
            email="asker@example.com",
            consent=True,
        )

        # The lock, then the parts: four kinds, and topics and authors.
        with transaction.atomic(), self.assertNumQueries(1 + 5):
            locked = lock_draft(article)

        self.assertEqual(locked.article.pk, article.pk)
        self.assertIsNone(locked.latest)
        self.assertEqual(len(locked.draft.sections), 2)
        self.assertEqual(locked.address_taken_by, earlier.title)
        self.assertEqual(locked.address_taken_by, address_taken_by(article))
        self.assertEqual(locked.latest_revision_id, latest_revision(article).pk)
        self.assertEqual(locked.revisions_until, latest_revision_id())
        self.assertIs(locked.askers_waiting, True)
        self.assertIs(locked.any_removed, False)
        with self.assertRaises(FrozenInstanceError):
            locked.askers_waiting = False

    def test_locked_draft_of_a_plain_draft_has_nothing_waiting(self):
        article = build_article()

        with transaction.atomic():
            locked = lock_draft(article)

        self.assertIsNone(locked.address_taken_by)
        self.assertIsNone(locked.latest_revision_id)
        self.assertIs(locked.askers_waiting, False)
        self.assertIs(locked.any_removed, False)

    def test_publication_entry_names_the_drafts_latest_revision(self):
        article = build_article()
        with reversion.create_revision():
            article.save()
        with reversion.create_revision():
            article.save()
        latest = Version.objects.get_for_object(article).first().revision

        publish(article=article, kind="first")

        entry = AuditEntry.objects.get(action="published")
        self.assertEqual(entry.revision, latest)


class DraftLoadTests(TestCase):
    def test_topics_and_authors_load_together_whole_and_by_name(self):
        article = build_article()
        article.topics.add(
            TopicFactory(name="Water", description="Rivers and rain."),
            TopicFactory(name="Elections", description="Votes."),
        )
        article.authors.add(
            AuthorFactory(name="Zoë Ward", role="Editor", bio="Checks numbers."),
            AuthorFactory(name="Ana Bell", role="Researcher"),
        )
        unrelated = build_article()
        unrelated.topics.add(TopicFactory(name="Unrelated"))

        draft = load(Article.objects.get(pk=article.pk))

        with self.assertNumQueries(0):
            topics = [(t.name, t.description) for t in draft.topics]
            authors = [(a.name, a.role, a.bio) for a in draft.authors]
        self.assertEqual(
            topics, [("Elections", "Votes."), ("Water", "Rivers and rain.")]
        )
        self.assertEqual(
            authors,
            [("Ana Bell", "Researcher", ""), ("Zoë Ward", "Editor", "Checks numbers.")],
        )
        self.assertEqual(draft.topics[0], Topic.objects.get(name="Elections"))


class SchemaTests(TestCase):
    def test_publication_with_schema_1_content_still_renders(self):
        article = published_article(sections=2, citations=1, claims=1)
        content = Publication.objects.get(article=article).content
        # As publications made before content carried a schema version were.
        del content["schema"], content["changes"]
        for entry in content["history"]:
            del entry["details"]
        for claim in [*content["claims"], *content["draft"]["claims"]]:
            del claim["is_headline"]
        # Rendered by other templates: rendered again, from the old content.
        Publication.objects.filter(article=article).update(
            content=content, page_body="", rendered_with="old"
        )

        response = self.client.get(article.get_absolute_url())

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Part 2")
        self.assertContains(response, "Our rating: False")
        # A GET writes nothing; the deploy's rerender_pages stores the page.
        self.assertEqual(Publication.objects.get(article=article).rendered_with, "old")
        call_command("rerender_pages", stdout=io.StringIO())
        publication = Publication.objects.get(article=article)
        self.assertEqual(publication.page_content()["schema"], SCHEMA_VERSION)
        self.assertEqual(publication.rendered_with, release_key())
        self.assertIn("Part 2", publication.page_body)
