import datetime

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from articles.models import Claim, Publication
from tests.articles.factories import TopicFactory, published_article

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.roles import create_roles, staff

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
EARLIER = NOW - datetime.timedelta(days=3)


@time_machine.travel(NOW, tick=False)
class KindRuleTests(TestCase):
    def refusal(self, article, **kwargs):
        with self.assertRaises(ValidationError) as caught:
            publish(article=article, **kwargs)
        return caught.exception.messages

    def test_rating_flipped_as_a_typo_fix_is_refused_naming_the_rating(self):
        article = published_article(published_at=EARLIER, claims=1)
        Claim.objects.filter(article=article).update(rating="true")

        messages = self.refusal(article, kind="typo")

        self.assertEqual(len(messages), 1)
        self.assertIn("A verdict readers see has changed", messages[0])
        self.assertIn("Claim 1 “A. Speaker”: rated False → True", messages[0])
        self.assertEqual(Publication.objects.filter(article=article).count(), 1)

    def test_changed_number_as_a_typo_fix_is_refused(self):
        article = published_article(
            published_at=EARLIER, summary="About 150 observers watched."
        )
        article.summary = "About 200 observers watched."
        article.save()

        messages = self.refusal(article, kind="typo")

        self.assertIn("a number changed in Executive summary", messages[0])

    def test_large_edit_as_a_typo_fix_is_refused(self):
        article = published_article(published_at=EARLIER)
        article.summary = "A completely different answer, rewritten from the start."
        article.save()

        messages = self.refusal(article, kind="typo")

        self.assertIn("characters changed, more than the 20", messages[0])

    def test_publishing_nothing_new_is_refused_whatever_the_kind(self):
        article = published_article(published_at=EARLIER)

        for kind, note in [("typo", ""), ("update", "More."), ("details", "")]:
            with self.subTest(kind=kind):
                self.assertEqual(
                    self.refusal(article, kind=kind, note=note),
                    ["Nothing readers see has changed: there is nothing to publish."],
                )
        self.assertEqual(Publication.objects.filter(article=article).count(), 1)

    def test_topic_change_is_published_as_details_and_listed_honestly(self):
        article = published_article(published_at=EARLIER)
        article.topics.add(TopicFactory(name="Elections"))

        self.assertIn(
            "Only details changed (topics changed)",
            self.refusal(article, kind="typo")[0],
        )
        publication = publish(article=article, kind="details")

        self.assertEqual(publication.kind, "details")
        self.assertEqual(publication.note, "")
        self.assertEqual(publication.history()[-1]["details"], ["Topics changed"])

    def test_details_kind_is_refused_when_the_text_changed(self):
        article = published_article(published_at=EARLIER)
        article.summary = "The short answer, longer."
        article.save()

        self.assertIn(
            "Readers would see more than", self.refusal(article, kind="details")[0]
        )

    def test_real_typo_fix_is_accepted(self):
        article = published_article(
            published_at=EARLIER, summary="The observers were countted twice."
        )
        article.summary = "The observers were counted twice."
        article.save()

        publication = publish(article=article, kind="typo")

        self.assertEqual(publication.version, 2)
        self.assertIn("<del>countted</del>", str(publication.content["changes"]))

    def test_correction_freezes_what_changed_with_ratings_on_top(self):
        article = published_article(published_at=EARLIER, claims=1)
        Claim.objects.filter(article=article).update(rating="mostly-false")

        publication = publish(
            article=article, kind="correction", note="Rated the claim again."
        )

        changes = publication.content["changes"]
        self.assertEqual(changes["against"], 1)
        self.assertEqual(
            changes["ratings"],
            [{"claim": "Claim 1 “A. Speaker”", "old": "False", "new": "Mostly false"}],
        )


@time_machine.travel(NOW, tick=False)
class TypoIsASpellingFixTests(TestCase):
    """A typo fix changes spelling, never a word for another."""

    def typo_fix(self, old, new):
        """Publish the summary `old`, then `new` as a typo fix."""
        article = published_article(published_at=EARLIER, summary=old)
        article.summary = new
        article.save()
        return publish(article=article, kind="typo")

    def refusal(self, old, new):
        with self.assertRaises(ValidationError) as caught:
            self.typo_fix(old, new)
        self.assertEqual(Publication.objects.filter(kind="typo").count(), 0)
        (message,) = caught.exception.messages
        self.assertIn("This is not a typo fix", message)
        return message

    def test_a_word_for_another_is_refused_naming_the_word(self):
        message = self.refusal("No. The tally was wrong.", "Yes. The tally was wrong.")

        self.assertIn(
            "“No” → “Yes” in Executive summary: a different word, not a spelling fix",
            message,
        )

    def test_a_word_added_or_removed_is_refused_naming_the_word(self):
        self.assertIn(
            "“not” added in Executive summary: a typo fix adds no word",
            self.refusal("The claim is true.", "The claim is not true."),
        )
        self.assertIn(
            "“not” removed from Executive summary: a typo fix removes no word",
            self.refusal("The claim is not true.", "The claim is true."),
        )

    def test_an_opposite_word_is_refused(self):
        self.assertIn(
            "“rose” → “fell” in Executive summary: a different word",
            self.refusal("Turnout rose sharply.", "Turnout fell sharply."),
        )

    def test_a_near_miss_of_a_meaning_word_is_refused(self):
        for old, new in [
            ("Turnout increased.", "Turnout increases."),
            ("It wouldn't matter.", "It couldn't matter."),
            ("A million voters.", "A billion voters."),
        ]:
            with self.subTest(new=new):
                self.assertIn(
                    "a negation, quantity or comparison word",
                    self.refusal(old, new),
                )

    def test_spelling_fixes_are_accepted(self):
        for old, new in [
            ("The Goverment said so.", "The Government said so."),
            ("It was definately counted.", "It was definitely counted."),
            ("We checked teh tally.", "We checked the tally."),
            ("The observers don’t agree.", "The observers don't agree."),
        ]:
            with self.subTest(new=new):
                self.assertEqual(self.typo_fix(old, new).kind, "typo")

    def test_punctuation_and_spacing_fixes_are_accepted(self):
        for old, new in [
            ("However the count was wrong.", "However, the count was wrong."),
            ("The count  was wrong.", "The count was wrong."),
            ("The count was wrong .", "The count was wrong."),
        ]:
            with self.subTest(new=new):
                self.assertEqual(self.typo_fix(old, new).kind, "typo")


@time_machine.travel(NOW, tick=False)
class KindAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")

    def post_publish(self, article, **data):
        self.client.force_login(self.editor)
        return self.client.post(
            reverse("admin:articles_article_publish", args=[article.pk]),
            {"kind": "typo", "note": "", **data},
        )

    def test_editor_gets_the_reason_on_the_form_and_nothing_is_published(self):
        article = published_article(published_at=EARLIER, claims=1)
        Claim.objects.filter(article=article).update(rating="true")

        response = self.post_publish(article)

        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "Claim 1 “A. Speaker”: rated False → True",
            " ".join(response.context["form"].errors["kind"]),
        )
        self.assertContains(response, "A verdict readers see has changed:")
        self.assertEqual(Publication.objects.filter(article=article).count(), 1)

    def test_editor_is_told_which_word_stops_a_typo_fix(self):
        article = published_article(published_at=EARLIER, summary="No.")
        article.summary = "Yes."
        article.save()

        response = self.post_publish(article, confirm="True")

        self.assertIn(
            "“No” → “Yes” in Executive summary: a different word, not a spelling fix",
            " ".join(response.context["form"].errors["kind"]),
        )
        self.assertContains(response, "A typo fix is not possible")
        self.assertEqual(Publication.objects.filter(article=article).count(), 1)

    def test_confirmed_post_of_a_stealth_edit_is_refused_too(self):
        article = published_article(published_at=EARLIER, claims=1)
        Claim.objects.filter(article=article).update(rating="true")

        self.post_publish(article, confirm="True")

        self.assertEqual(Publication.objects.filter(article=article).count(), 1)

    def test_empty_publication_is_refused_in_the_admin(self):
        article = published_article(published_at=EARLIER)

        response = self.post_publish(
            article, kind="update", note="Nothing.", confirm="True"
        )

        self.assertContains(response, "Nothing readers see has changed")
        self.assertEqual(Publication.objects.filter(article=article).count(), 1)
