import datetime
from io import StringIO

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.test import TestCase

from articles import demo_content
from articles.factchecks.publishing import preview
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
from sources.models import Source
from tests.articles.factories import ArticleFactory
from tests.sources.factories import SourceFactory

NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)
DEMO_SLUGS = sorted(data["slug"] for data in demo_content.ARTICLES)


def load_demo(**options):
    out = StringIO()
    call_command("load_demo_articles", stdout=out, **options)
    return out.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@time_machine.travel(NOW, tick=False)
class LoadDemoArticlesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo()

    def test_publishes_five_live_fact_checks(self):
        self.assertEqual(len(DEMO_SLUGS), 5)
        self.assertQuerySetEqual(
            Publication.objects.live().order_by("slug").values_list("slug", flat=True),
            DEMO_SLUGS,
        )
        self.assertIn("Loaded 5 demo fact check(s); 0 already existed.", self.output)

    def test_second_run_changes_nothing(self):
        counts = row_counts()
        digests = {
            article.slug: load(article).digest() for article in Article.objects.all()
        }

        output = load_demo()

        self.assertEqual(row_counts(), counts)
        self.assertEqual(
            {article.slug: load(article).digest() for article in Article.objects.all()},
            digests,
        )
        self.assertIn("Loaded 0 demo fact check(s); 5 already existed.", output)

    def test_history_shows_an_update_and_a_correction(self):
        updates = [
            entry
            for publication in Publication.objects.live()
            for entry in publication.history()
            if entry["version"] > 1
        ]

        self.assertEqual(
            sorted(entry["kind"] for entry in updates), ["correction", "update"]
        )
        for entry in updates:
            with self.subTest(kind=entry["kind"]):
                self.assertNotEqual(entry["note"].strip(), "")
                self.assertLess(entry["published_at"], NOW)

    def test_later_versions_publish_an_edited_draft(self):
        for article in Article.objects.filter(publications__version=2):
            first, later = article.publications.order_by("version")
            with self.subTest(article=article.slug):
                self.assertGreater(later.published_at, first.published_at)
                self.assertNotEqual(later.draft_digest, first.draft_digest)
                self.assertNotEqual(
                    later.content["sections"], first.content["sections"]
                )

    def test_related_questions_link_to_other_demo_articles(self):
        questions = list(
            RelatedQuestion.objects.filter(article__slug__in=DEMO_SLUGS).select_related(
                "answer"
            )
        )
        answered = [question for question in questions if question.answer_id]

        self.assertGreater(len(answered), len(questions) - len(answered))
        self.assertLess(len(answered), len(questions))
        for question in answered:
            with self.subTest(question=question.question):
                self.assertIn(question.answer.slug, DEMO_SLUGS)
                self.assertNotEqual(question.answer_id, question.article_id)

    def test_publications_freeze_the_related_links(self):
        for publication in Publication.objects.live():
            expected = list(
                publication.article.related_questions.order_by("position").values_list(
                    "answer_id", flat=True
                )
            )
            with self.subTest(article=publication.slug):
                self.assertIn(len(expected), range(2, 5))
                self.assertEqual(
                    [item["answer_id"] for item in publication.content["related"]],
                    expected,
                )

    def test_every_demo_article_builds_without_problems(self):
        for article in Article.objects.filter(slug__in=DEMO_SLUGS):
            with self.subTest(article=article.slug):
                self.assertEqual(preview(load(article))[1], [])

    def test_demo_rows_pass_model_validation(self):
        # SQLite does not enforce max_length, so check it here.
        for model in (Topic, Author, Source, Article, Section, Claim, Citation):
            for row in model.objects.all():
                with self.subTest(row=str(row)):
                    row.full_clean()


@time_machine.travel(NOW, tick=False)
class LoadDemoArticlesExistingRowsTests(TestCase):
    def test_article_with_a_demo_slug_is_left_alone(self):
        own = ArticleFactory(
            slug="lightning-same-place-twice", title="Fact check: Our own version?"
        )

        output = load_demo(verbosity=2)

        own.refresh_from_db()
        self.assertEqual(own.title, "Fact check: Our own version?")
        self.assertIs(own.publications.exists(), False)
        self.assertEqual(Publication.objects.live().count(), 4)
        self.assertIn("Left alone “lightning-same-place-twice”", output)
        self.assertIs(own.answers_to.exists(), True)

    def test_source_with_the_same_address_is_reused(self):
        existing = SourceFactory(
            title="NWS lightning myths",
            url="http://weather.gov/safety/lightning-myths/",
        )

        load_demo()

        self.assertEqual(Source.objects.count(), len(demo_content.SOURCES))
        self.assertIs(existing.citations.exists(), True)

    def test_verbosity_zero_prints_nothing(self):
        self.assertEqual(load_demo(verbosity=0), "")
