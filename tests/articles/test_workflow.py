"""
The review workflow: each transition as each role, through the domain
function and through the admin's URLs posted directly; the rule that only
an approved draft is published unless an editor overrides; reopening on a
reader-visible change; assignments.
"""

import datetime

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from articles.factchecks.publishing import publish
from articles.factchecks.shape import load
from articles.models import Article, Notification, PreviewLink, Publication
from articles.newsroom import approvals, commenting, workflow
from audit.models import AuditEntry
from tests.articles.factories import (
    SectionFactory,
    build_article,
    published_article,
)
from tests.articles.test_admin import AdminTestCase, change_form_data
from tests.roles import create_roles, staff

State = Article.ReviewState


def draft(**fields):
    """A draft that has not been reviewed."""
    return build_article(approved=False, **fields)


class RolesMixin:
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.writer = staff("Writer", email="writer@example.com")
        cls.editor = staff("Editor", email="editor@example.com")
        cls.second_editor = staff("Editor", username="second-editor")
        cls.fundraiser = staff("Fundraising")


def approve(article, user):
    """`user` approves the draft as it is saved now, having read it."""
    approvals.approve(
        article=article,
        user=user,
        expected_digest=load(Article.objects.get(pk=article.pk)).digest(),
    )


def state_of(article):
    return Article.objects.get(pk=article.pk).review_state


class SubmitTests(RolesMixin, TestCase):
    def test_writer_submits_a_draft_with_a_note(self):
        article = draft()

        workflow.submit(article=article, user=self.writer, note="Ready for a read.")

        article.refresh_from_db()
        self.assertEqual(article.review_state, State.READY)
        self.assertEqual(article.review_note, "Ready for a read.")
        self.assertEqual(article.submitted_by, self.writer)
        entry = AuditEntry.objects.get(action="review.submitted")
        self.assertEqual(entry.actor, self.writer)
        self.assertEqual(entry.target, article)

    def test_fundraiser_may_not_submit(self):
        article = draft()

        with self.assertRaisesMessage(
            PermissionDenied, "You may not submit fact checks for review."
        ):
            workflow.submit(article=article, user=self.fundraiser)

        self.assertEqual(state_of(article), State.WRITING)

    def test_a_draft_already_in_review_cannot_be_submitted_again(self):
        article = draft()
        workflow.submit(article=article, user=self.writer)

        with self.assertRaisesMessage(
            ValidationError, "This draft is “ready for review”: it cannot be submitted"
        ):
            workflow.submit(article=article, user=self.writer)

    def test_an_overlong_note_is_refused_and_changes_nothing(self):
        article = draft()

        with self.assertRaisesMessage(ValidationError, "under 2000 characters"):
            workflow.submit(article=article, user=self.writer, note="x" * 2001)

        self.assertEqual(state_of(article), State.WRITING)
        self.assertFalse(AuditEntry.objects.exists())


class ReviewTests(RolesMixin, TestCase):
    def submitted(self, **fields):
        article = draft(**fields)
        workflow.submit(article=article, user=self.writer, note="Please read.")
        return article

    def test_editor_approves_the_draft_as_it_stands(self):
        article = self.submitted()

        approve(article, self.editor)

        article.refresh_from_db()
        self.assertEqual(article.review_state, State.APPROVED)
        self.assertIs(article.is_approved(load(article).digest()), True)
        self.assertTrue(AuditEntry.objects.filter(action="review.approved").exists())

    def test_writer_may_neither_approve_nor_request_changes(self):
        article = self.submitted()

        with self.assertRaisesMessage(
            PermissionDenied, "Only reviewers may approve fact checks."
        ):
            approve(article, self.writer)
        with self.assertRaisesMessage(
            PermissionDenied, "Only reviewers may request changes."
        ):
            workflow.request_changes(article=article, user=self.writer, note="No.")

        self.assertEqual(state_of(article), State.READY)

    def test_fundraiser_may_not_review(self):
        article = self.submitted()

        with self.assertRaises(PermissionDenied):
            approve(article, self.fundraiser)
        with self.assertRaises(PermissionDenied):
            workflow.request_changes(article=article, user=self.fundraiser, note="x")

    def test_whoever_submitted_may_not_approve(self):
        article = draft()
        workflow.submit(article=article, user=self.editor)

        with self.assertRaisesMessage(
            ValidationError, "You submitted this draft: another reviewer must"
        ):
            approve(article, self.editor)

        approve(article, self.second_editor)
        self.assertEqual(state_of(article), State.APPROVED)

    def test_requesting_changes_needs_a_note(self):
        article = self.submitted()

        with self.assertRaisesMessage(
            ValidationError, "Say what needs to change before it is sent back."
        ):
            workflow.request_changes(article=article, user=self.editor, note="  ")

        self.assertEqual(state_of(article), State.READY)

    def test_changes_requested_go_back_to_the_writer_who_resubmits(self):
        article = self.submitted()

        workflow.request_changes(
            article=article, user=self.editor, note="Source the second figure."
        )
        self.assertEqual(state_of(article), State.CHANGES_REQUESTED)
        workflow.submit(article=article, user=self.writer, note="Sourced.")

        self.assertEqual(state_of(article), State.READY)

    def test_a_draft_still_being_written_cannot_be_approved(self):
        article = draft()

        with self.assertRaisesMessage(
            ValidationError, "This draft is “writing”: it cannot be approved now."
        ):
            approve(article, self.editor)


class PublishNeedsApprovalTests(RolesMixin, TestCase):
    def test_unapproved_draft_is_refused(self):
        article = draft()

        with self.assertRaisesMessage(
            ValidationError, "This draft is not approved as it stands"
        ):
            publish(article=article, kind="first", user=self.editor)

        self.assertFalse(Publication.objects.exists())

    def test_approved_draft_is_published_and_recorded(self):
        article = draft()
        workflow.submit(article=article, user=self.writer)
        approve(article, self.editor)

        publication = publish(article=article, kind="first", user=self.editor)

        self.assertEqual(state_of(article), State.PUBLISHED)
        entry = AuditEntry.objects.get(action="published")
        self.assertEqual(entry.actor, self.editor)
        self.assertEqual(entry.details["version"], publication.version)
        self.assertEqual(entry.details["override_reason"], "")

    def test_editor_overrides_with_a_reason_on_the_record(self):
        article = draft()

        publish(
            article=article,
            kind="first",
            user=self.editor,
            override_reason="Breaking claim; reviewer unreachable.",
        )

        entry = AuditEntry.objects.get(action="published")
        self.assertIn("Review overridden: Breaking claim", entry.message)
        self.assertEqual(
            entry.details["override_reason"], "Breaking claim; reviewer unreachable."
        )
        self.assertEqual(entry.details["review_state_before"], State.WRITING)

    def test_an_empty_override_reason_is_no_override(self):
        article = draft()

        with self.assertRaises(ValidationError):
            publish(
                article=article, kind="first", user=self.editor, override_reason=" "
            )

        self.assertFalse(Publication.objects.exists())

    def test_writer_may_not_override(self):
        article = draft()

        with self.assertRaisesMessage(
            PermissionDenied, "Only editors may publish a draft without an approval."
        ):
            publish(
                article=article, kind="first", user=self.writer, override_reason="Me."
            )

        self.assertFalse(Publication.objects.exists())

    def test_a_change_after_approval_is_not_approved(self):
        article = draft()
        workflow.submit(article=article, user=self.writer)
        approve(article, self.editor)
        # Changed where no save hook runs, as in the shell.
        article.sections.filter(position=1).update(body="Changed since [1].")

        with self.assertRaisesMessage(
            ValidationError, "it changed after it was approved"
        ):
            publish(article=article, kind="first", user=self.editor)

        self.assertFalse(Publication.objects.exists())

    def test_cancelling_a_scheduled_version_leaves_the_draft_approved(self):
        article = build_article()
        later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
        publish(article=article, kind="first", user=self.editor, published_at=later)
        self.assertEqual(AuditEntry.objects.get().action, "scheduled")

        from articles.factchecks.publishing import cancel_scheduled

        cancel_scheduled(article=article, user=self.editor)

        self.assertEqual(state_of(article), State.APPROVED)
        self.assertEqual(
            AuditEntry.objects.filter(action="scheduled.cancelled").get().actor,
            self.editor,
        )


class ReopenTests(RolesMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        RolesMixin.setUpTestData.__func__(cls)

    def approved(self):
        article = draft()
        workflow.submit(article=article, user=self.writer)
        approve(article, self.editor)
        return article

    def test_a_reader_visible_save_sends_an_approved_draft_back_to_review(self):
        article = self.approved()

        self.save_in_admin(self.writer, article, summary="A different answer.")

        article.refresh_from_db()
        self.assertEqual(article.review_state, State.READY)
        self.assertIn("Changed after approval", article.review_note)
        self.assertTrue(AuditEntry.objects.filter(action="review.reopened").exists())

    def test_a_save_that_changes_nothing_readers_see_keeps_the_approval(self):
        article = self.approved()

        self.save_in_admin(self.writer, article)

        self.assertEqual(state_of(article), State.APPROVED)

    def test_editing_a_published_article_starts_writing_again(self):
        article = published_article()

        self.save_in_admin(self.writer, article, summary="An update.")

        self.assertEqual(state_of(article), State.WRITING)

    def test_bulk_action_that_changes_the_draft_reopens_it(self):
        article = self.approved()
        self.client.force_login(self.editor)

        self.client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "mark_checked_today",
                "_selected_action": [article.pk],
            },
        )

        self.assertEqual(state_of(article), State.READY)

    def test_reverting_keeps_the_review_state_and_reopens_on_a_change(self):
        from reversion.models import Version

        from articles.newsroom import restoring as history

        article = self.approved()
        self.save_in_admin(self.writer, article)  # A revision as approved.
        self.save_in_admin(self.editor, article, summary="Second answer.")
        self.assertEqual(state_of(article), State.READY)  # Reopened by the save.
        approve(article, self.second_editor)
        first = Version.objects.get_for_object(article).last().revision

        history.revert(article=article, revision=first, user=self.editor)

        article.refresh_from_db()
        self.assertEqual(article.review_state, State.READY)
        self.assertEqual(article.submitted_by, self.writer)
        self.assertTrue(AuditEntry.objects.filter(action="reverted").exists())


class TransitionPostTests(RolesMixin, AdminTestCase):
    """Each transition's URL, posted directly by each role."""

    @classmethod
    def setUpTestData(cls):
        RolesMixin.setUpTestData.__func__(cls)

    def digest_read(self, user, article):
        """The draft's digest as the review panel shows it to `user`."""
        self.client.force_login(user)
        page = self.client.get(self.change_url(article))
        return page.context["review"]["digest"]

    def post(self, user, name, article, **data):
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        return self.client.post(self.admin_url(name, article), data)

    def test_anonymous_is_sent_to_login_by_every_transition(self):
        article = draft()
        for name in (
            "submit_review",
            "request_changes",
            "approve",
            "comment",
            "resolve_comment",
            "preview",
            "revoke_preview_link",
        ):
            with self.subTest(name=name):
                response = self.post(None, name, article)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/admin/login/", response["Location"])
        self.assertEqual(state_of(article), State.WRITING)
        self.assertFalse(PreviewLink.objects.exists())

    def test_fundraiser_gets_403_from_every_transition(self):
        article = draft()
        for name in (
            "submit_review",
            "request_changes",
            "approve",
            "comment",
            "resolve_comment",
            "preview",
            "revoke_preview_link",
        ):
            with self.subTest(name=name):
                self.assertEqual(
                    self.post(self.fundraiser, name, article).status_code, 403
                )
        self.assertEqual(state_of(article), State.WRITING)

    def test_writer_submits_by_post(self):
        article = draft()

        response = self.post(
            self.writer, "submit_review", article, review_note="Have a look."
        )

        self.assertRedirects(
            response, self.change_url(article), fetch_redirect_response=False
        )
        self.assertEqual(state_of(article), State.READY)

    def test_writer_gets_403_posting_approve_or_request_changes(self):
        article = draft()
        workflow.submit(article=article, user=self.writer)

        self.assertEqual(self.post(self.writer, "approve", article).status_code, 403)
        self.assertEqual(
            self.post(
                self.writer, "request_changes", article, review_note="x"
            ).status_code,
            403,
        )
        self.assertEqual(state_of(article), State.READY)

    def test_editor_requests_changes_then_approves_by_post(self):
        article = draft()
        workflow.submit(article=article, user=self.writer)

        self.post(self.editor, "request_changes", article, review_note="Fix [3].")
        self.assertEqual(state_of(article), State.CHANGES_REQUESTED)
        self.post(self.writer, "submit_review", article)
        self.post(
            self.editor,
            "approve",
            article,
            review_digest=self.digest_read(self.editor, article),
        )

        self.assertEqual(state_of(article), State.APPROVED)

    def test_a_refused_transition_says_why_and_changes_nothing(self):
        article = draft()

        response = self.post(self.editor, "approve", article, review_note="")

        self.assertEqual(state_of(article), State.WRITING)
        page = self.client.get(response["Location"])
        self.assertContains(page, "it cannot be approved now")

    def test_get_is_refused_with_405(self):
        article = draft()
        self.client.force_login(self.editor)

        for name in ("submit_review", "request_changes", "approve", "comment"):
            with self.subTest(name=name):
                response = self.client.get(self.admin_url(name, article))
                self.assertEqual(response.status_code, 405)

    def test_publish_form_refuses_an_unapproved_draft_without_the_override(self):
        article = draft()
        self.client.force_login(self.editor)

        response = self.client.post(
            self.admin_url("publish", article), {"kind": "first", "confirm": "True"}
        )

        self.assertContains(response, "This draft is not approved as it stands")
        self.assertContains(response, "Publish without an approval")
        self.assertFalse(Publication.objects.exists())

    def test_publish_form_needs_a_reason_to_override(self):
        article = draft()
        self.client.force_login(self.editor)

        response = self.client.post(
            self.admin_url("publish", article), {"kind": "first", "override": "on"}
        )

        self.assertContains(response, "Say why it is published without an approval.")
        self.assertFalse(Publication.objects.exists())

    def test_editor_overrides_in_the_publish_form(self):
        article = draft()
        self.client.force_login(self.editor)
        data = {"kind": "first", "override": "on", "override_reason": "Deadline."}
        confirm = self.client.post(self.admin_url("publish", article), data)
        digest = confirm.context["form"]["digest"].value()

        response = self.client.post(
            self.admin_url("publish", article),
            {**data, "confirm": "True", "digest": digest},
        )

        self.assertEqual(response.status_code, 302)
        entry = AuditEntry.objects.get(action="published")
        self.assertEqual(entry.details["override_reason"], "Deadline.")

    def test_approved_draft_has_no_override_fields(self):
        article = build_article()
        self.client.force_login(self.editor)

        response = self.client.get(self.admin_url("publish", article))

        self.assertNotContains(response, "Publish without an approval")

    def test_change_form_offers_each_role_its_own_buttons(self):
        article = draft()
        workflow.submit(article=article, user=self.writer)

        self.client.force_login(self.writer)
        page = self.client.get(self.change_url(article))
        self.assertContains(page, "Ready for review")
        self.assertNotContains(page, ">Approve<")
        self.client.force_login(self.editor)
        page = self.client.get(self.change_url(article))
        self.assertContains(page, ">Approve<")
        self.assertContains(page, ">Request changes<")


class AssignmentTests(RolesMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        RolesMixin.setUpTestData.__func__(cls)

    def test_new_article_is_assigned_to_its_writer(self):
        self.client.force_login(self.writer)
        data = change_form_data(draft())
        data.update(title="Fact check: A new question?", slug="a-new-question")
        for prefix in ("sections", "claims", "citations", "related_questions"):
            data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = 0
        data.pop("edit_token")

        self.client.post(reverse("admin:articles_article_add"), data)

        article = Article.objects.get(slug="a-new-question")
        self.assertEqual(article.assigned_writer, self.writer)
        self.assertEqual(article.review_state, State.WRITING)

    def test_editor_assigns_and_it_is_recorded(self):
        article = draft()

        self.save_in_admin(
            self.editor,
            article,
            assigned_writer=self.writer.pk,
            assigned_reviewer=self.editor.pk,
            due_on="2026-12-24",
        )

        article.refresh_from_db()
        self.assertEqual(article.assigned_reviewer, self.editor)
        self.assertEqual(article.due_on, datetime.date(2026, 12, 24))
        entry = AuditEntry.objects.get(action="assigned")
        self.assertIn("reviewer → editor", entry.message)
        self.assertIsNotNone(entry.revision)

    def test_writer_cannot_assign(self):
        article = draft()

        self.save_in_admin(self.writer, article, assigned_reviewer=self.writer.pk)

        article.refresh_from_db()
        self.assertIsNone(article.assigned_reviewer)

    def test_list_filters_by_writer_reviewer_and_due_date(self):
        mine = draft(title="Fact check: Mine?")
        Article.objects.filter(pk=mine.pk).update(
            assigned_writer=self.writer,
            assigned_reviewer=self.editor,
            due_on=datetime.date(2020, 1, 1),
        )
        draft(title="Fact check: Someone else's?")
        self.client.force_login(self.editor)
        url = reverse("admin:articles_article_changelist")

        for query in (
            {"assigned_writer__id__exact": self.writer.pk},
            {"assigned_reviewer__id__exact": self.editor.pk},
            {"due": "overdue"},
        ):
            with self.subTest(query=query):
                response = self.client.get(url, query)
                self.assertContains(response, "Fact check: Mine?")
                self.assertNotContains(response, "Someone else")


class NotificationTests(RolesMixin, TestCase):
    def test_submitting_notifies_the_assigned_reviewer_in_the_admin_and_by_email(self):
        article = draft()
        Article.objects.filter(pk=article.pk).update(assigned_reviewer=self.editor)
        article.refresh_from_db()

        with self.captureOnCommitCallbacks(execute=True):
            workflow.submit(article=article, user=self.writer, note="Over to you.")

        note = Notification.objects.get()
        self.assertEqual(note.recipient, self.editor)
        self.assertIn("submitted", note.message)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["editor@example.com"])
        self.assertIn("Over to you.", mail.outbox[0].body)
        self.assertIn(
            f"/admin/articles/article/{article.pk}/change/", mail.outbox[0].body
        )

    def test_unassigned_submission_notifies_every_editor_but_not_the_writer(self):
        article = draft()

        workflow.submit(article=article, user=self.writer)

        self.assertEqual(
            set(Notification.objects.values_list("recipient__username", flat=True)),
            {"editor", "second-editor"},
        )

    def test_approval_and_changes_requested_notify_the_writer(self):
        article = draft()
        Article.objects.filter(pk=article.pk).update(assigned_writer=self.writer)
        article.refresh_from_db()
        workflow.submit(article=article, user=self.writer)

        with self.captureOnCommitCallbacks(execute=True):
            workflow.request_changes(article=article, user=self.editor, note="More.")
        workflow.submit(article=article, user=self.writer)
        with self.captureOnCommitCallbacks(execute=True):
            approve(article, self.editor)

        mine = Notification.objects.filter(recipient=self.writer)
        self.assertEqual(mine.count(), 2)
        self.assertEqual(
            [m.subject for m in mail.outbox],
            [
                f"[Factually] editor asked for changes to “{article.title}”.",
                f"[Factually] editor approved “{article.title}”.",
            ],
        )

    def test_a_refused_transition_notifies_nobody(self):
        article = draft()

        with (
            self.captureOnCommitCallbacks(execute=True),
            self.assertRaises(ValidationError),
        ):
            approve(article, self.editor)

        self.assertFalse(Notification.objects.exists())
        self.assertEqual(mail.outbox, [])


class NotificationAdminTests(RolesMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        RolesMixin.setUpTestData.__func__(cls)

    def test_each_user_sees_and_marks_read_only_their_own(self):
        mine = Notification.objects.create(recipient=self.editor, message="For me")
        theirs = Notification.objects.create(recipient=self.writer, message="For them")
        self.client.force_login(self.editor)
        url = reverse("admin:articles_notification_changelist")

        page = self.client.get(url)
        self.assertContains(page, "For me")
        self.assertNotContains(page, "For them")
        self.client.post(
            url, {"action": "mark_read", "_selected_action": [mine.pk, theirs.pk]}
        )

        mine.refresh_from_db()
        theirs.refresh_from_db()
        self.assertIsNotNone(mine.read_at)
        self.assertIsNone(theirs.read_at)

    def test_fundraiser_has_no_notifications_page(self):
        self.client.force_login(self.fundraiser)

        response = self.client.get(reverse("admin:articles_notification_changelist"))

        self.assertEqual(response.status_code, 403)

    def test_nobody_edits_or_adds_notifications(self):
        note = Notification.objects.create(recipient=self.editor, message="x")
        self.client.force_login(self.editor)

        self.assertEqual(
            self.client.get(reverse("admin:articles_notification_add")).status_code, 403
        )
        response = self.client.post(
            reverse("admin:articles_notification_change", args=[note.pk]),
            {"message": "changed"},
        )
        self.assertEqual(response.status_code, 403)


class DeleteOwnDraftTests(RolesMixin, AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        RolesMixin.setUpTestData.__func__(cls)

    def delete(self, user, article):
        self.client.force_login(user)
        return self.client.post(
            reverse("admin:articles_article_delete", args=[article.pk]),
            {"post": "yes"},
        )

    def test_writer_deletes_their_own_never_published_draft(self):
        article = draft()
        SectionFactory(article=article, position=9)
        Article.objects.filter(pk=article.pk).update(assigned_writer=self.writer)
        note = Notification.objects.create(
            recipient=self.editor, article=article, message="Submitted."
        )
        PreviewLink.objects.create(article=article)

        response = self.delete(self.writer, article)

        self.assertEqual(response.status_code, 302)
        self.assertFalse(Article.objects.filter(pk=article.pk).exists())
        self.assertTrue(AuditEntry.objects.filter(action="deleted").exists())
        note.refresh_from_db()
        self.assertIsNone(note.article)  # The notification stays, unlinked.

    def test_writer_may_not_delete_someone_elses_draft(self):
        article = draft()
        Article.objects.filter(pk=article.pk).update(assigned_writer=self.editor)

        self.assertEqual(self.delete(self.writer, article).status_code, 403)
        self.assertTrue(Article.objects.filter(pk=article.pk).exists())

    def test_writer_may_not_delete_their_published_article(self):
        article = published_article()
        Article.objects.filter(pk=article.pk).update(assigned_writer=self.writer)

        self.assertEqual(self.delete(self.writer, article).status_code, 403)
        self.assertTrue(Article.objects.filter(pk=article.pk).exists())

    def test_fundraiser_may_not_delete_drafts(self):
        article = draft()

        self.assertEqual(self.delete(self.fundraiser, article).status_code, 403)

    def test_deleted_draft_comes_back_with_its_comments(self):
        from reversion.models import Version

        article = draft()
        Article.objects.filter(pk=article.pk).update(assigned_writer=self.writer)
        commenting.comment(article=article, user=self.editor, body="Check the date.")
        self.delete(self.writer, article)
        version = Version.objects.get_deleted(Article).get()
        self.client.force_login(self.editor)

        self.client.post(reverse("admin:articles_article_recover", args=[version.pk]))

        article = Article.objects.get(pk=article.pk)
        self.assertEqual(
            list(article.review_comments.values_list("body", flat=True)),
            ["Check the date."],
        )
        self.assertTrue(AuditEntry.objects.filter(action="recovered").exists())
