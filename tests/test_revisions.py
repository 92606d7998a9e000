"""
A revision saved with fields the model no longer has (renamed or removed
since) is refused, naming the fields, wherever it could be restored: the
article's revert and recover, in the domain and the admin, and
django-reversion's own views for every other versioned model.
"""

import json

import reversion
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from reversion.models import Revision, Version

from articles.models import Article, Section, Topic
from articles.newsroom import restoring as history
from donations.models import BannerMessage
from factually.revisions import check_restorable, kept_fields
from sources.models import Source
from tests.articles.factories import AuthorFactory, TopicFactory, build_article
from tests.donations.factories import BannerMessageFactory, CampaignFactory
from tests.roles import create_roles, staff
from tests.sources.factories import SourceFactory


def tamper(version, *, rename=None, remove=None):
    """Rewrite a stored version as if the model's fields had changed since."""
    (stored,) = json.loads(version.serialized_data)
    fields = stored["fields"]
    if rename:
        old, new = rename
        fields[new] = fields.pop(old)
    if remove:
        del fields[remove]
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps([stored]))


def saved_revision(obj):
    """Save `obj` as a new revision and return its version."""
    with reversion.create_revision():
        obj.save()
    return Version.objects.get_for_object(obj).first()


def history_counts():
    return Revision.objects.count(), Version.objects.count()


class KeptFieldsTests(TestCase):
    def test_a_fresh_revision_stores_exactly_the_kept_fields(self):
        for obj in (
            build_article(),
            SourceFactory(),
            TopicFactory(),
            AuthorFactory(),
            BannerMessageFactory(),
        ):
            with self.subTest(model=type(obj).__name__):
                (stored,) = json.loads(saved_revision(obj).serialized_data)
                self.assertEqual(set(stored["fields"]), kept_fields(type(obj)))

    def test_fields_excluded_from_history_are_not_expected(self):
        self.assertNotIn("views", kept_fields(BannerMessage))
        self.assertIn("headline", kept_fields(BannerMessage))

    def test_a_matching_revision_may_be_restored(self):
        check_restorable(saved_revision(build_article()).revision)


class ArticleRevertAcrossSchemaChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")

    def setUp(self):
        self.article = build_article(
            title="Fact check: The old question?", summary="The old answer."
        )
        self.old = saved_revision(self.article)
        self.article.title = "Fact check: The current question?"
        self.article.summary = "The current answer."
        self.article.save()
        Section.objects.filter(article=self.article, position=1).update(
            heading="Current heading"
        )
        saved_revision(self.article)

    def snapshot(self):
        article = Article.objects.get(pk=self.article.pk)
        return (
            article.title,
            article.summary,
            article.draft_digest,
            list(
                article.sections.order_by("position").values_list(
                    "pk", "position", "heading", "body"
                )
            ),
            list(article.claims.values_list("pk", "statement")),
            list(article.citations.values_list("pk", "source_id")),
            history_counts(),
        )

    def assert_refused(self, revision, *fragments):
        before = self.snapshot()
        with self.assertRaises(ValidationError) as caught:
            history.revert(article=self.article, revision=revision, user=self.editor)
        message = " ".join(caught.exception.messages)
        self.assertIn("Nothing was changed", message)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertEqual(self.snapshot(), before)

    def test_renamed_field_is_refused_naming_both_names(self):
        tamper(self.old, rename=("title", "headline"))

        self.assert_refused(
            self.old.revision,
            "Fact check: the revision lacks “title”",
            "and has “headline”, which no longer exists",
        )

    def test_removed_field_is_refused_naming_it(self):
        tamper(self.old, remove="summary")

        self.assert_refused(
            self.old.revision, "Fact check: the revision lacks “summary”"
        )

    def test_renamed_field_of_a_part_is_refused_naming_the_part(self):
        section = self.old.revision.version_set.filter(
            content_type__model="section"
        ).first()
        tamper(section, rename=("heading", "title"))

        self.assert_refused(
            self.old.revision,
            "Section: the revision lacks “heading”, and has “title”, which no",
        )

    def test_the_admin_refuses_it_for_an_editor_and_changes_nothing(self):
        tamper(self.old, rename=("title", "headline"))
        before = self.snapshot()
        self.client.force_login(self.editor)
        url = reverse(
            "admin:articles_article_revision", args=[self.article.pk, self.old.pk]
        )

        for method in (self.client.get, self.client.post):
            with self.subTest(method=method.__name__):
                response = method(url, follow=True)

                self.assertContains(response, "the revision lacks “title”")
                self.assertContains(response, "has “headline”, which no longer exists")
                self.assertNotContains(response, "Restored")
                self.assertEqual(self.snapshot(), before)

    def test_recover_is_refused_and_the_article_stays_deleted(self):
        self.client.force_login(self.editor)
        self.client.post(
            reverse("admin:articles_article_delete", args=[self.article.pk]),
            {"post": "yes"},
        )
        deleted = Version.objects.get_deleted(Article).get()
        tamper(deleted, remove="summary")
        counts = history_counts()

        with self.assertRaisesMessage(ValidationError, "lacks “summary”"):
            history.recover(version=deleted, user=self.editor)
        response = self.client.post(
            reverse("admin:articles_article_recover", args=[deleted.pk]), follow=True
        )

        self.assertContains(response, "the revision lacks “summary”")
        self.assertIs(Article.objects.filter(pk=self.article.pk).exists(), False)
        self.assertEqual(history_counts(), counts)


class SharedRecordRevertAcrossSchemaChangeTests(TestCase):
    """django-reversion's own revert and recover views, for every other model."""

    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")
        cls.fundraiser = staff("Fundraising")

    def cases(self):
        """(user, object, a field to rename, a field to remove), one per model."""
        return [
            (self.editor, SourceFactory(title="Old report"), "title", "publisher"),
            (self.editor, TopicFactory(name="Old topic"), "name", "description"),
            (self.editor, AuthorFactory(name="Old name"), "name", "bio"),
            (self.fundraiser, CampaignFactory(name="Old campaign"), "name", "goal"),
            (
                self.fundraiser,
                BannerMessageFactory(headline="Old headline"),
                "headline",
                "body",
            ),
        ]

    def admin_url(self, obj, view, *args):
        opts = obj._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)

    def test_revert_is_refused_naming_the_fields_and_changes_nothing(self):
        for user, obj, renamed, removed in self.cases():
            model = type(obj)
            version = saved_revision(obj)
            setattr(obj, renamed, "Current value")
            saved_revision(obj)
            tamper(version, rename=(renamed, "old_" + renamed), remove=removed)
            row = model.objects.filter(pk=obj.pk).values().get()
            counts = history_counts()
            self.client.force_login(user)
            url = self.admin_url(obj, "revision", obj.pk, version.pk)
            lacking = " and ".join(sorted([f"“{removed}”", f"“{renamed}”"]))

            for method in (self.client.get, self.client.post):
                with self.subTest(model=model.__name__, method=method.__name__):
                    response = method(url, follow=True)

                    self.assertRedirects(
                        response, self.admin_url(obj, "history", obj.pk)
                    )
                    self.assertContains(response, "Nothing was changed")
                    self.assertContains(response, f"the revision lacks {lacking}, and")
                    self.assertContains(
                        response, f"has “old_{renamed}”, which no longer exists."
                    )
                    self.assertEqual(
                        model.objects.filter(pk=obj.pk).values().get(), row
                    )
                    self.assertEqual(history_counts(), counts)

    def test_recover_is_refused_and_the_record_stays_deleted(self):
        source = SourceFactory(title="Deleted report")
        saved_revision(source)
        self.client.force_login(self.editor)
        self.client.post(self.admin_url(source, "delete", source.pk), {"post": "yes"})
        deleted = Version.objects.get_deleted(Source).get()
        tamper(deleted, rename=("title", "headline"))
        counts = history_counts()

        response = self.client.post(
            self.admin_url(source, "recover", deleted.pk), follow=True
        )

        self.assertContains(response, "the revision lacks “title”")
        self.assertIs(Source.objects.exists(), False)
        self.assertEqual(history_counts(), counts)

    def test_a_matching_revision_is_still_restored(self):
        topic = TopicFactory(name="Kept name")
        version = saved_revision(topic)
        topic.name = "Changed name"
        saved_revision(topic)
        self.client.force_login(self.editor)

        response = self.client.get(
            self.admin_url(topic, "revision", topic.pk, version.pk)
        )

        self.assertContains(response, "Kept name")
        self.assertEqual(Topic.objects.get(pk=topic.pk).name, "Changed name")
