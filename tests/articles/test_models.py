import datetime

import time_machine
from django.db import IntegrityError, transaction
from django.test import TestCase

from articles.factchecks.publishing import publish, withdraw
from articles.models import Article, Publication
from articles.readers import search
from tests.articles.factories import (
    ArticleFactory,
    CitationFactory,
    RelatedQuestionFactory,
    SectionFactory,
    build_article,
    edit_summary,
    published_article,
)

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


class ArticleConstraintTests(TestCase):
    def test_slug_is_unique(self):
        ArticleFactory(slug="same")

        with self.assertRaises(IntegrityError):
            ArticleFactory(slug="same")

    def test_citation_position_is_unique_per_article(self):
        article = ArticleFactory()
        CitationFactory(article=article, position=1)

        with self.assertRaises(IntegrityError):
            CitationFactory(article=article, position=1)

    def test_same_position_in_two_articles_is_fine(self):
        CitationFactory(position=1)
        CitationFactory(position=1)

        self.assertEqual(Article.objects.count(), 2)

    def test_section_position_is_unique_and_positive(self):
        article = ArticleFactory()
        SectionFactory(article=article, position=1)

        with transaction.atomic(), self.assertRaises(IntegrityError):
            SectionFactory(article=article, position=1)
        with transaction.atomic(), self.assertRaises(IntegrityError):
            SectionFactory(article=article, position=0)

    def test_related_question_cannot_answer_itself(self):
        article = ArticleFactory()

        with self.assertRaises(IntegrityError):
            RelatedQuestionFactory(article=article, answer=article)

    def test_cited_source_cannot_be_deleted(self):
        citation = CitationFactory()

        with self.assertRaises(Exception) as caught:
            citation.source.delete()

        self.assertEqual(type(caught.exception).__name__, "ProtectedError")

    def test_published_article_cannot_be_deleted(self):
        article = published_article()

        with self.assertRaises(Exception) as caught:
            article.delete()

        self.assertEqual(type(caught.exception).__name__, "ProtectedError")


class PublicationQuerySetTests(TestCase):
    def test_live_serves_the_latest_version_due(self):
        with time_machine.travel(NOW - datetime.timedelta(days=5), tick=False):
            article = published_article()
        with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
            edit_summary(article)
            second = publish(article=article, kind="update", note="New data.")
        with time_machine.travel(NOW, tick=False):
            edit_summary(article, "And later data.")
            publish(
                article=article,
                kind="update",
                note="Scheduled.",
                published_at=NOW + datetime.timedelta(hours=2),
            )

            self.assertQuerySetEqual(Publication.objects.live(), [second])

        with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
            self.assertEqual(Publication.objects.live().get().version, 3)

    def test_drafts_and_scheduled_articles_are_not_live(self):
        build_article()
        published_article(published_at=NOW + datetime.timedelta(days=1))

        with time_machine.travel(NOW, tick=False):
            self.assertIs(Publication.objects.live().exists(), False)

    def test_withdrawn_article_is_current_but_not_live(self):
        article = published_article(published_at=NOW - datetime.timedelta(days=2))
        with time_machine.travel(NOW, tick=False):
            withdrawal = withdraw(article=article, note="Withdrawn.")

            self.assertQuerySetEqual(Publication.objects.current(), [withdrawal])
            self.assertIs(Publication.objects.live().exists(), False)

    def test_search_finds_title_summary_and_body_words(self):
        match = published_article(
            title="Fact check: Does lightning strike twice?",
            summary="Yes, often.",
        )
        published_article(title="Fact check: Is the sea salty?")

        results = search.matching(Publication.objects.live(), "lightning")

        self.assertEqual([p.article_id for p in results], [match.pk])
        self.assertIs(search.matching(Publication.objects.live(), "").exists(), False)


class SearchIndexTests(TestCase):
    def test_postgresql_search_uses_the_gin_indexes(self):
        from django.db import connection

        from articles.readers.search import matching

        if connection.vendor != "postgresql":
            self.skipTest("Full-text search and its index exist on PostgreSQL only.")
        published_article(title="Fact check: Does lightning strike twice?")
        # Migration 0005's indexes on the stored documents (issue 15); the
        # last word also matches titles as a prefix, through the head's.
        query = matching(Publication.objects.all(), "lightning strike")
        sql, params = query.query.sql_with_params()

        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())

        self.assertIn("articles_publication_document", plan)
        self.assertIn("articles_publication_head", plan)
