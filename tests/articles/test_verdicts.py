"""
A verdict readers see (a claim's rating or statement, a claim added or
removed) changes only in a correction or a re-rating, listed wherever
corrections are: the article's notices and update history, /corrections/,
its feed and the article's JSON-LD.
"""

import datetime

import feedparser
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from articles.factchecks.publishing import withdraw
from articles.models import Claim, Publication
from tests.articles.factories import (
    ClaimFactory,
    approve_as_is,
    edit_summary,
    published_article,
)

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.articles.test_views import json_ld
from tests.roles import create_roles, staff

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
FIRST = NOW - datetime.timedelta(days=10)
RERATED = NOW - datetime.timedelta(days=5)
UPDATED = NOW - datetime.timedelta(days=2)


def flip_rating(article, rating="true"):
    Claim.objects.filter(article=article, position=1).update(rating=rating)
    return approve_as_is(article)


@time_machine.travel(NOW, tick=False)
class VerdictKindTests(TestCase):
    def refusal(self, article, **kwargs):
        versions = Publication.objects.filter(article=article).count()
        with self.assertRaises(ValidationError) as caught:
            publish(article=article, **kwargs)
        self.assertEqual(Publication.objects.filter(article=article).count(), versions)
        return " ".join(caught.exception.messages)

    def test_verdict_reversed_as_an_update_is_refused_naming_claim_and_ratings(self):
        article = flip_rating(published_article(published_at=FIRST, claims=1))

        message = self.refusal(article, kind="update", note="Added detail.")

        self.assertIn("A verdict readers see has changed", message)
        self.assertIn("Claim 1 “A. Speaker”: rated False → True", message)
        self.assertIn("publish this as a correction or a re-rating", message)

    def test_no_kind_but_correction_or_rerating_may_change_a_verdict(self):
        article = flip_rating(published_article(published_at=FIRST, claims=1))

        for kind in ("update", "clarification", "typo", "details"):
            with self.subTest(kind=kind):
                self.assertIn(
                    "rated False → True", self.refusal(article, kind=kind, note="N.")
                )

    def test_statement_changed_is_a_verdict_change(self):
        article = published_article(published_at=FIRST, claims=1)
        Claim.objects.filter(article=article).update(statement="Something else.")

        message = self.refusal(article, kind="clarification", note="Reworded.")

        self.assertIn("Claim 1 “A. Speaker”: statement changed (rated False)", message)

    def test_claim_added_or_removed_is_a_verdict_change(self):
        article = published_article(published_at=FIRST, claims=1)
        ClaimFactory(article=article, position=2, claimant="B. Speaker", rating="true")

        self.assertIn(
            "Claim 2 “B. Speaker” added, rated True",
            self.refusal(article, kind="update", note="Added a claim."),
        )
        Claim.objects.filter(article=article).delete()
        self.assertIn(
            "Claim 1 “A. Speaker” removed (was rated False)",
            self.refusal(article, kind="update", note="Removed a claim."),
        )

    def test_verdict_changed_across_a_withdrawal_is_still_a_correction(self):
        article = published_article(published_at=FIRST, claims=1)
        withdraw(article=article, note="Withdrawn for review.")
        flip_rating(article)

        self.assertIn(
            "rated False → True", self.refusal(article, kind="update", note="Back.")
        )

    def test_rerating_needs_a_note_saying_what(self):
        article = flip_rating(published_article(published_at=FIRST, claims=1))

        self.assertIn(
            "Write a public note", self.refusal(article, kind="re-rating", note="")
        )

    def test_correction_and_rerating_may_change_a_verdict(self):
        for kind in ("correction", "re-rating"):
            with self.subTest(kind=kind):
                article = flip_rating(published_article(published_at=FIRST, claims=1))

                publication = publish(article=article, kind=kind, note="New data.")

                self.assertEqual(publication.kind, kind)
                self.assertEqual(
                    publication.history()[-1]["ratings"],
                    [{"claim": "Claim 1 “A. Speaker”", "old": "False", "new": "True"}],
                )


@time_machine.travel(NOW, tick=False)
class VerdictInTheAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")

    def post_publish(self, article, **data):
        self.client.force_login(self.editor)
        return self.client.post(
            reverse("admin:articles_article_publish", args=[article.pk]),
            {"confirm": "True", **data},
        )

    def test_editor_sees_why_an_update_cannot_reverse_a_verdict(self):
        article = flip_rating(published_article(published_at=FIRST, claims=1))

        response = self.post_publish(article, kind="update", note="Added detail.")

        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "Claim 1 “A. Speaker”: rated False → True",
            " ".join(response.context["form"].errors["kind"]),
        )
        self.assertContains(response, "A verdict readers see has changed:")
        self.assertEqual(Publication.objects.filter(article=article).count(), 1)

    def test_editor_publishes_a_rerating(self):
        article = flip_rating(published_article(published_at=FIRST, claims=1))

        response = self.post_publish(
            article, kind="re-rating", note="A new count reversed the verdict."
        )

        self.assertEqual(response.status_code, 302)
        latest = Publication.objects.filter(article=article).latest()
        self.assertEqual((latest.kind, latest.published_by), ("re-rating", self.editor))


@time_machine.travel(NOW, tick=False)
class VerdictOnTheRecordTests(TestCase):
    """A re-rating and a correction, each listed with the ratings it changed."""

    @classmethod
    def setUpTestData(cls):
        cls.article = published_article(
            slug="tally", title="Fact check: The tally?", published_at=FIRST, claims=2
        )
        flip_rating(cls.article)
        cls.rerating = publish(
            article=cls.article,
            kind="re-rating",
            note="A new count reversed the verdict.",
            published_at=RERATED,
        )
        edit_summary(cls.article, "More context.")
        approve_as_is(cls.article)
        publish(
            article=cls.article,
            kind="update",
            note="Added context.",
            published_at=UPDATED,
        )

    def setUp(self):
        cache.clear()

    def test_article_page_lists_the_rerating_with_old_and_new_rating(self):
        response = self.client.get(reverse("articles:detail", args=["tally"]))

        page = response.content.decode()
        notice = page.split('class="notice notice--correction')[1].split("</section>")[
            0
        ]
        self.assertIn("Re-rating", notice)
        self.assertIn("A new count reversed the verdict.", notice)
        self.assertInHTML(
            "<li>Claim 1 “A. Speaker”: rated <del>False</del>, now <ins>True</ins></li>",
            notice,
        )
        history = page.split('id="history"')[1].split("</section>")[0]
        self.assertInHTML(
            "<li>Claim 1 “A. Speaker”: rated <del>False</del>, now <ins>True</ins></li>",
            history,
        )

    def test_corrections_log_lists_the_rerating_with_old_and_new_rating(self):
        response = self.client.get(reverse("articles:corrections"))

        self.assertEqual(
            [p.note for p in response.context["page_obj"]],
            ["A new count reversed the verdict."],
        )
        self.assertContains(response, "Re-rating")
        self.assertContains(
            response,
            "<li>Claim 1 “A. Speaker”: rated <del>False</del>, now <ins>True</ins></li>",
            html=True,
        )

    def test_corrections_feed_has_the_rerating_with_old_and_new_rating(self):
        parsed = feedparser.parse(
            self.client.get(reverse("articles:corrections_feed")).content
        )

        self.assertFalse(parsed.bozo)
        (entry,) = parsed.entries
        self.assertEqual(entry.title, "Re-rating: Fact check: The tally?")
        self.assertEqual(
            entry.summary,
            "A new count reversed the verdict. "
            "Claim 1 “A. Speaker”: rated False, now True.",
        )

    def test_json_ld_lists_the_rerating_and_dates_the_review_by_it(self):
        news, *reviews = json_ld(
            self.client.get(reverse("articles:detail", args=["tally"]))
        )

        (correction,) = news["correction"]
        self.assertEqual(correction["datePublished"], RERATED.isoformat())
        self.assertEqual(
            correction["text"],
            "A new count reversed the verdict. "
            "Claim 1 “A. Speaker”: rated False, now True.",
        )
        by_anchor = {review["url"].rsplit("#", 1)[1]: review for review in reviews}
        rerated, untouched = by_anchor["claim-1"], by_anchor["claim-2"]
        self.assertEqual(rerated["reviewRating"]["alternateName"], "True")
        # The later update left the verdict alone: the re-rating still dates it.
        self.assertEqual(rerated["datePublished"], RERATED.isoformat())
        self.assertEqual(rerated["dateModified"], RERATED.isoformat())
        self.assertEqual(untouched["datePublished"], FIRST.isoformat())
        self.assertEqual(news["datePublished"], FIRST.isoformat())

    def test_a_correction_is_listed_with_its_ratings_too(self):
        article = flip_rating(
            published_article(slug="other", published_at=FIRST, claims=1),
            rating="mostly-false",
        )
        publish(article=article, kind="correction", note="We misread the table.")

        log = self.client.get(reverse("articles:corrections"))
        page = self.client.get(reverse("articles:detail", args=["other"]))

        rating = "rated <del>False</del>, now <ins>Mostly false</ins>"
        for response in (log, page):
            self.assertContains(response, rating)
        (correction,) = json_ld(page)[0]["correction"]
        self.assertIn("rated False, now Mostly false.", correction["text"])
