import datetime

import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import TestCase
from django.utils import timezone

from articles.factchecks.publishing import preview, publish, withdraw
from articles.factchecks.shape import load
from articles.models import Claim, Publication
from tests.articles.factories import (
    CitationFactory,
    SectionFactory,
    approve_as_is,
    build_article,
    edit_summary,
    published_article,
)
from tests.roles import UserFactory

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
class PublishTests(TestCase):
    def test_first_publication_freezes_rendered_content(self):
        editor = UserFactory()
        article = build_article(sections=2, citations=2)

        publication = publish(article=article, kind="first", user=editor)

        self.assertEqual(publication.version, 1)
        self.assertEqual(publication.published_by, editor)
        self.assertEqual(publication.published_at, NOW)
        self.assertEqual(publication.first_published_at, NOW)
        self.assertEqual(publication.slug, article.slug)
        self.assertEqual(
            [section["heading"] for section in publication.content["sections"]],
            ["Part 1", "Part 2"],
        )
        self.assertIn('href="#source-1"', publication.content["sections"][0]["html"])
        self.assertEqual(publication.content["sources"][0]["backlinks"], ["cite-1-1"])

    def test_editing_the_draft_does_not_change_the_publication(self):
        article = published_article()
        section = article.sections.get(position=1)
        section.body = "Rewritten."
        section.save()

        publication = Publication.objects.get(article=article)

        self.assertIn(
            "Paragraph of section 1.", publication.content["sections"][0]["html"]
        )

    def test_versions_count_up_and_history_accumulates(self):
        article = published_article(published_at=NOW - datetime.timedelta(days=3))
        edit_summary(article, "It was 200, not 150.")

        second = publish(article=article, kind="correction", note="Fixed a figure.")

        self.assertEqual(second.version, 2)
        self.assertEqual(second.first_published_at, NOW - datetime.timedelta(days=3))
        self.assertEqual(
            [(entry["version"], entry["kind"]) for entry in second.history()],
            [(1, "first"), (2, "correction")],
        )

    def test_marker_without_citation_blocks_publishing_naming_section_and_marker(self):
        article = build_article(sections=1, citations=4)
        SectionFactory(
            article=article, position=2, heading="The big tally", body="Off [9]."
        )
        approve_as_is(article)

        with self.assertRaises(ValidationError) as caught:
            publish(article=article, kind="first")

        self.assertIn(
            "Section 2 “The big tally”: [9] points to no citation "
            "(this article has 4).",
            caught.exception.messages,
        )
        self.assertIs(Publication.objects.exists(), False)

    def test_incomplete_draft_lists_every_problem(self):
        article = build_article(title="Not a question", summary="", checked_on=None)

        _, problems = preview(load(article))

        self.assertEqual(
            problems,
            [
                "The title must be the question checked, ending with “?”.",
                "The executive summary is empty.",
                "Set the date the facts were checked.",
            ],
        )

    def test_gaps_in_citation_numbers_block_publishing(self):
        article = build_article(citations=1, sections=1)
        CitationFactory(article=article, position=3)

        _, problems = preview(load(article))

        self.assertIn(
            "Citations must be numbered 1 to 2 without gaps (they are 1, 3).", problems
        )

    def test_update_needs_a_public_note(self):
        article = published_article()

        with self.assertRaisesMessage(ValidationError, "Write a public note"):
            publish(article=article, kind="update", note="  ")

    def test_typo_fix_needs_no_note(self):
        article = published_article(
            summary="The shrot answer.", published_at=NOW - datetime.timedelta(days=1)
        )
        article.summary = "The short answer."
        article.save()
        approve_as_is(article)

        publication = publish(article=article, kind="typo")

        self.assertEqual(publication.version, 2)

    def test_cannot_publish_before_a_scheduled_version(self):
        article = published_article(published_at=NOW + datetime.timedelta(days=2))

        with self.assertRaisesMessage(ValidationError, "Version 1 is scheduled for"):
            publish(article=article, kind="update", note="Sooner.")

    def test_first_publication_twice_is_refused(self):
        article = published_article()

        with self.assertRaisesMessage(ValidationError, "already published"):
            publish(article=article, kind="first")

    def test_withdrawal_needs_a_note_and_a_publication(self):
        never_published = build_article()

        with self.assertRaisesMessage(ValidationError, "never been published"):
            withdraw(article=never_published, note="Gone.")
        with self.assertRaisesMessage(ValidationError, "Write a public note"):
            withdraw(article=published_article(), note="")

    def test_withdrawing_twice_is_refused(self):
        article = published_article(published_at=NOW - datetime.timedelta(days=1))
        withdraw(article=article, note="Relied on a forged document.")

        with self.assertRaisesMessage(ValidationError, "already withdrawn"):
            withdraw(article=article, note="Again.")

    def test_draft_digest_changes_with_any_child(self):
        article = published_article()
        before = load(article).digest()

        citation = article.citations.get(position=1)
        citation.pinpoint = "p. 4"
        citation.save()

        self.assertNotEqual(load(article).digest(), before)
        self.assertEqual(Publication.objects.get(article=article).draft_digest, before)

    def test_slug_of_another_fact_check_cannot_be_reused(self):
        first = published_article(slug="the-address")
        first.slug = "moved"
        first.save()
        second = build_article(slug="the-address")

        with self.assertRaisesMessage(
            ValidationError, "The address /fact-checks/the-address/ belongs to another"
        ):
            publish(article=second, kind="first")

    def test_text_over_its_limit_blocks_publishing(self):
        article = build_article(sections=1)
        article.sections.update(body="x" * 50_001)

        _, problems = preview(load(article))

        self.assertIn(
            "Section 1 is 50,001 characters long; the limit is 50,000.", problems
        )

    def test_non_web_claim_link_blocks_publishing(self):
        article = build_article(claims=1)
        Claim.objects.filter(article=article).update(appearance_url="http://x.org/a")
        claim = Claim.objects.get(article=article)
        claim.appearance_url = "ftp://x.org/a"

        with self.assertRaises(IntegrityError):
            claim.save()

    def test_source_changes_count_as_unpublished_changes(self):
        article = published_article()
        source = article.citations.get(position=1).source
        source.archived_url = "https://web.archive.org/web/2026/x"
        source.save()

        self.assertNotEqual(
            load(article).digest(),
            Publication.objects.get(article=article).draft_digest,
        )


class PublicationConstraintTests(TestCase):
    def test_database_refuses_a_javascript_claim_link(self):
        article = build_article(claims=1)

        with self.assertRaises(IntegrityError):
            Claim.objects.filter(article=article).update(
                appearance_url="javascript:alert(1)"
            )

    def test_publication_cannot_be_changed(self):
        publication = Publication.objects.get(article=published_article())
        publication.note = "Stealth edit"

        with self.assertRaisesMessage(ValidationError, "cannot be changed"):
            publication.save()

    def test_version_is_unique_per_article(self):
        article = published_article()
        first = Publication.objects.get(article=article)

        with self.assertRaises(IntegrityError):
            Publication.objects.create(
                article=article,
                version=1,
                kind="first",
                published_at=timezone.now(),
                slug=first.slug,
                title=first.title,
                first_published_at=first.first_published_at,
            )

    def test_database_requires_a_note_for_corrections(self):
        article = published_article()

        with self.assertRaises(IntegrityError):
            Publication.objects.create(
                article=article,
                version=2,
                kind="correction",
                note="",
                published_at=timezone.now(),
                slug=article.slug,
                title=article.title,
                first_published_at=timezone.now(),
            )

    def test_database_ties_first_publication_to_version_one(self):
        article = published_article()

        with self.assertRaises(IntegrityError):
            Publication.objects.create(
                article=article,
                version=2,
                kind="first",
                published_at=timezone.now(),
                slug=article.slug,
                title=article.title,
                first_published_at=timezone.now(),
            )
