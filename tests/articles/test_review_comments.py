"""Review comments: on the draft or one part, answered, resolved, never published."""

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from reversion.models import Version

from articles.factchecks.publishing import publish
from articles.models import Publication, ReviewComment
from articles.newsroom import commenting
from articles.newsroom import restoring as history
from tests.articles.factories import ClaimFactory, build_article
from tests.articles.test_admin import AdminTestCase
from tests.roles import create_roles, staff

Part = ReviewComment.Part


class CommentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.writer = staff("Writer")
        cls.editor = staff("Editor")
        cls.fundraiser = staff("Fundraising")

    def test_reviewer_comments_on_one_section(self):
        article = build_article(sections=2)
        section = article.sections.get(position=2)

        comment = commenting.comment(
            article=article,
            user=self.editor,
            body="Which year is this?",
            part_kind=Part.SECTION,
            part_id=section.pk,
        )

        self.assertEqual((comment.part_kind, comment.part_id), ("section", section.pk))
        self.assertEqual(comment.author, self.editor)

    def test_comment_keeps_the_revision_it_was_written_on(self):
        article = build_article()
        with reversion.create_revision():
            article.save()
        revision = Version.objects.get_for_object(article).get().revision

        comment = commenting.comment(article=article, user=self.editor, body="Hm.")

        self.assertEqual(comment.revision, revision)

    def test_a_part_of_another_article_is_refused(self):
        article, other = build_article(), build_article()
        claim = ClaimFactory(article=other)

        with self.assertRaisesMessage(
            ValidationError, "That claim is not part of this fact check"
        ):
            commenting.comment(
                article=article,
                user=self.editor,
                body="x",
                part_kind=Part.CLAIM,
                part_id=claim.pk,
            )
        self.assertFalse(ReviewComment.objects.exists())

    def test_an_empty_or_unknown_comment_is_refused(self):
        article = build_article()

        with self.assertRaisesMessage(ValidationError, "Write the comment first."):
            commenting.comment(article=article, user=self.editor, body="   ")
        with self.assertRaisesMessage(ValidationError, "Choose what the comment"):
            commenting.comment(
                article=article, user=self.editor, body="x", part_kind="footer"
            )
        self.assertFalse(ReviewComment.objects.exists())

    def test_fundraiser_may_not_comment(self):
        with self.assertRaises(PermissionDenied):
            commenting.comment(article=build_article(), user=self.fundraiser, body="x")

    def test_writer_answers_and_the_answer_takes_the_comment_s_part(self):
        article = build_article()
        question = commenting.comment(
            article=article, user=self.editor, body="Source?", part_kind=Part.SUMMARY
        )

        answer = commenting.comment(
            article=article, user=self.writer, body="Added [2].", parent=question
        )

        self.assertEqual(answer.parent, question)
        self.assertEqual(answer.part_kind, Part.SUMMARY)

    def test_resolving_closes_the_comment_and_an_answer_reopens_it(self):
        article = build_article()
        comment = commenting.comment(article=article, user=self.editor, body="Date?")

        commenting.resolve(comment=comment, user=self.writer)
        comment.refresh_from_db()
        self.assertIs(comment.is_open(), False)
        with self.assertRaisesMessage(ValidationError, "already resolved"):
            commenting.resolve(comment=comment, user=self.writer)
        commenting.comment(
            article=article, user=self.editor, body="Not yet.", parent=comment
        )

        comment.refresh_from_db()
        self.assertIs(comment.is_open(), True)

    def test_comments_are_never_published(self):
        article = build_article(sections=1)
        section = article.sections.get()
        commenting.comment(
            article=article,
            user=self.editor,
            body="SECRET-REVIEW-NOTE",
            part_kind=Part.SECTION,
            part_id=section.pk,
        )

        publication = publish(article=article, kind="first", user=self.editor)

        self.assertNotIn("SECRET-REVIEW-NOTE", str(publication.content))
        self.assertNotIn("SECRET-REVIEW-NOTE", publication.body_text)
        page = self.client.get(article.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "SECRET-REVIEW-NOTE")
        self.assertEqual(Publication.objects.count(), 1)

    def test_reverting_the_draft_keeps_the_discussion(self):
        article = build_article()
        with reversion.create_revision():
            article.save()
        revision = Version.objects.get_for_object(article).get().revision
        commenting.comment(article=article, user=self.editor, body="Keep me.")

        history.revert(article=article, revision=revision, user=self.editor)

        self.assertEqual(
            list(article.review_comments.values_list("body", flat=True)), ["Keep me."]
        )


class CommentAdminTests(AdminTestCase):
    def test_change_form_shows_open_comments_labelled_by_part(self):
        article = build_article(sections=2)
        section = article.sections.get(position=2)
        commenting.comment(
            article=article,
            user=self.editor,
            body="Which year?",
            part_kind=Part.SECTION,
            part_id=section.pk,
        )
        resolved = commenting.comment(
            article=article, user=self.editor, body="Old one."
        )
        commenting.resolve(comment=resolved, user=self.editor)
        self.client.force_login(self.writer)

        response = self.client.get(self.change_url(article))

        self.assertContains(response, "1 open comment")
        self.assertContains(response, f'data-part="section:{section.pk}"')
        self.assertContains(response, "On: Section 2: Part 2")
        self.assertContains(response, "Which year?")
        self.assertContains(response, "1 resolved comment")
        self.assertContains(response, 'src="/static/js/review.js"')

    def test_comment_answer_and_resolve_by_post(self):
        article = build_article(sections=1)
        section = article.sections.get()
        self.client.force_login(self.editor)

        self.client.post(
            self.admin_url("comment", article),
            {"review_comment": "Check this.", "review_part": f"section:{section.pk}"},
        )
        comment = ReviewComment.objects.get()
        self.assertEqual(comment.part_id, section.pk)
        self.client.force_login(self.writer)
        self.client.post(
            self.admin_url("comment", article),
            {
                "review_answer_to": comment.pk,
                f"review_answer_{comment.pk}": "Checked.",
            },
        )
        self.client.post(
            self.admin_url("resolve_comment", article), {"review_resolve": comment.pk}
        )

        comment.refresh_from_db()
        self.assertEqual(comment.answers.get().body, "Checked.")
        self.assertIs(comment.is_open(), False)

    def test_a_comment_of_another_article_answers_404(self):
        article, other = build_article(), build_article()
        comment = commenting.comment(article=other, user=self.editor, body="Theirs.")
        self.client.force_login(self.editor)

        response = self.client.post(
            self.admin_url("resolve_comment", article), {"review_resolve": comment.pk}
        )

        self.assertEqual(response.status_code, 404)
        comment.refresh_from_db()
        self.assertIs(comment.is_open(), True)

    def test_a_comment_on_a_removed_part_is_refused_with_a_message(self):
        article = build_article()
        self.client.force_login(self.editor)

        response = self.client.post(
            self.admin_url("comment", article),
            {"review_comment": "x", "review_part": "claim:99999"},
            follow=True,
        )

        self.assertContains(response, "That claim is not part of this fact check")
        self.assertFalse(ReviewComment.objects.exists())

    def test_preview_never_shows_comments(self):
        article = build_article()
        commenting.comment(article=article, user=self.editor, body="SECRET-NOTE")
        self.client.force_login(self.writer)

        response = self.client.get(article.preview_url())

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "SECRET-NOTE")
