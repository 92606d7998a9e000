"""
Four eyes on exactly what readers will get (articles/approvals.py), as the
real roles: the approval is of the draft the reviewer read, a later change
by any path (admin, a cited source, a revert, an import, the shell) needs
another approval, nobody approves their own change, and the only way around
is an editor's override with a reason, in the audit trail.
"""

import datetime

import reversion
from django.core.exceptions import ValidationError
from django.urls import reverse
from reversion.models import Version

from articles.factchecks.publishing import publish
from articles.factchecks.shape import load
from articles.models import Article, Publication
from articles.newsroom import approvals, importing, workflow
from articles.newsroom import restoring as history
from audit.models import AuditEntry
from sources.models import Source
from tests.articles.factories import build_article
from tests.articles.test_admin import AdminTestCase
from tests.roles import UserFactory, create_roles, staff

State = Article.ReviewState

CHANGED_IT = "You changed this draft (or a source it cites) since it was last"
STALE = "The draft changed since you loaded it: read it again."
NOT_APPROVED = "This draft is not approved as it stands"


def digest_now(article):
    return load(Article.objects.get(pk=article.pk)).digest()


def approve(article, user):
    """`user` approves the draft as it is saved now, having read it."""
    approvals.approve(article=article, user=user, expected_digest=digest_now(article))


def state_of(article):
    return Article.objects.get(pk=article.pk).review_state


def source_data(source, **changes):
    """POST data for the source's change form, as the admin would send it."""
    data = {
        "title": source.title,
        "publisher": source.publisher,
        "authors": source.authors,
        "kind": source.kind,
        "published_on": source.published_on or "",
        "date_precision": source.date_precision,
        "accessed_on": source.accessed_on or "",
        "url": source.url,
        "archived_url": source.archived_url,
        "note": source.note,
    }
    data.update(changes)
    return data


class ApprovalTestCase(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.writer = staff("Writer")
        cls.editor = staff("Editor")  # Editor A.
        cls.second_editor = staff("Editor", username="second-editor")  # B.
        cls.superuser = UserFactory(username="boss", is_staff=True, is_superuser=True)

    def written(self):
        """A draft the writer wrote (saved in the admin) and submitted."""
        article = build_article(approved=False)
        self.save_in_admin(self.writer, article, summary="The writer's answer.")
        workflow.submit(article=article, user=self.writer)
        return article

    def approved(self):
        article = self.written()
        approve(article, self.editor)
        return article

    def edit_source(self, user, source, **changes):
        """`user` edits a source in the Source admin."""
        self.client.force_login(user)
        url = reverse("admin:sources_source_change", args=[source.pk])
        page = self.client.get(url)
        token = page.context["adminform"].form["edit_token"].value()
        response = self.client.post(
            url, source_data(source, edit_token=token, **changes)
        )
        self.assertEqual(response.status_code, 302)


class OwnChangeTests(ApprovalTestCase):
    def test_editor_who_changed_an_approved_draft_may_not_approve_it(self):
        article = self.approved()
        self.save_in_admin(self.editor, article, summary="Editor A's answer.")
        self.assertEqual(state_of(article), State.READY)

        with self.assertRaisesMessage(ValidationError, CHANGED_IT):
            approve(article, self.editor)

        self.assertEqual(state_of(article), State.READY)
        with self.assertRaisesMessage(ValidationError, NOT_APPROVED):
            publish(article=article, kind="first", user=self.editor)
        self.assertFalse(Publication.objects.exists())

    def test_another_editor_approves_the_change_and_it_is_published(self):
        article = self.approved()
        self.save_in_admin(self.editor, article, summary="Editor A's answer.")

        approve(article, self.second_editor)
        publication = publish(article=article, kind="first", user=self.editor)

        self.assertEqual(publication.content["draft"]["summary"], "Editor A's answer.")
        entry = AuditEntry.objects.get(action="published")
        self.assertEqual(entry.details["override_reason"], "")

    def test_superuser_who_edited_may_not_approve(self):
        article = self.written()
        self.save_in_admin(self.superuser, article, summary="The boss's answer.")

        with self.assertRaisesMessage(ValidationError, CHANGED_IT):
            approve(article, self.superuser)

        self.assertEqual(state_of(article), State.READY)

    def test_changes_before_the_last_approval_do_not_count(self):
        # A's edit was read and approved by B; the writer changes it next.
        article = self.written()
        self.save_in_admin(self.editor, article, summary="Editor A's answer.")
        approve(article, self.second_editor)
        self.save_in_admin(self.writer, article, summary="The writer again.")

        approve(article, self.editor)

        self.assertEqual(state_of(article), State.APPROVED)

    def test_changes_since_the_last_publication_count(self):
        article = self.approved()
        publish(article=article, kind="first", user=self.editor)
        self.save_in_admin(self.second_editor, article, summary="B's update.")
        workflow.submit(article=article, user=self.writer)

        with self.assertRaisesMessage(ValidationError, CHANGED_IT):
            approve(article, self.second_editor)
        approve(article, self.editor)

        self.assertEqual(state_of(article), State.APPROVED)

    def test_whoever_reverted_may_not_approve(self):
        article = self.approved()
        first = Version.objects.get_for_object(article).last().revision
        self.save_in_admin(self.writer, article, summary="Second thoughts.")
        approve(article, self.second_editor)

        history.revert(article=article, revision=first, user=self.editor)

        self.assertEqual(state_of(article), State.READY)
        with self.assertRaisesMessage(ValidationError, CHANGED_IT):
            approve(article, self.editor)

    def test_whoever_imported_may_not_approve(self):
        text = (
            "Fact check: Did the river flood in 2024?\n\n"
            "Yes, twice [1].\n\n"
            "## What the records say\n\nThe gauge rose above 5 m [1].\n\n"
            "## Sources\n\n1. River gauge records. https://example.org/gauge\n"
        )
        article = importing.create_draft(importing.read(text), user=self.editor)
        workflow.submit(article=article, user=self.writer)

        with self.assertRaisesMessage(ValidationError, CHANGED_IT):
            approve(article, self.editor)
        approve(article, self.second_editor)


class OverrideTests(ApprovalTestCase):
    def test_own_change_is_published_only_with_an_override_on_the_record(self):
        article = self.approved()
        self.save_in_admin(self.editor, article, summary="Editor A's answer.")

        publish(
            article=article,
            kind="first",
            user=self.editor,
            override_reason="Court ruling due at noon; B is away.",
        )

        entry = AuditEntry.objects.get(action="published")
        self.assertEqual(entry.actor, self.editor)
        self.assertEqual(
            entry.details["override_reason"], "Court ruling due at noon; B is away."
        )
        self.assertIn("Review overridden: Court ruling", entry.message)

    def test_source_change_is_published_only_with_an_override(self):
        article = self.approved()
        source = article.citations.first().source
        Source.objects.filter(pk=source.pk).update(title="Renamed quietly")

        with self.assertRaisesMessage(ValidationError, NOT_APPROVED):
            publish(article=article, kind="first", user=self.editor)
        publish(
            article=article, kind="first", user=self.editor, override_reason="Typo."
        )

        self.assertEqual(
            AuditEntry.objects.get(action="published").details["override_reason"],
            "Typo.",
        )


class SourceEditTests(ApprovalTestCase):
    def test_source_edited_in_its_admin_sends_the_draft_back_to_review(self):
        article = self.approved()
        source = article.citations.first().source

        self.edit_source(self.second_editor, source, publisher="Another agency")

        article.refresh_from_db()
        self.assertEqual(article.review_state, State.READY)
        self.assertIn("Changed after approval", article.review_note)
        reopened = AuditEntry.objects.get(action="review.reopened")
        self.assertEqual(reopened.actor, self.second_editor)
        with self.assertRaisesMessage(ValidationError, NOT_APPROVED):
            publish(article=article, kind="first", user=self.editor)
        self.assertFalse(Publication.objects.exists())

    def test_whoever_edited_a_cited_source_may_not_approve(self):
        article = self.approved()
        source = article.citations.first().source
        self.edit_source(self.editor, source, archived_url="https://archive.org/x")

        with self.assertRaisesMessage(ValidationError, CHANGED_IT):
            approve(article, self.editor)
        approve(article, self.second_editor)
        publication = publish(article=article, kind="first", user=self.editor)

        self.assertEqual(
            publication.content["sources"][0]["archived_url"], "https://archive.org/x"
        )

    def test_source_edited_in_code_blocks_publishing_until_approved_again(self):
        article = self.approved()
        source = article.citations.first().source
        source.published_on = datetime.date(2020, 3, 1)
        source.save()  # No revision, no user: only the digest knows.

        self.assertEqual(state_of(article), State.READY)
        with self.assertRaisesMessage(ValidationError, NOT_APPROVED):
            publish(article=article, kind="first", user=self.editor)
        approve(article, self.second_editor)
        publish(article=article, kind="first", user=self.editor)

    def test_source_reverted_to_an_earlier_revision_sends_the_draft_back(self):
        article = self.written()
        source = article.citations.first().source
        with reversion.create_revision():
            source.save()
        earlier = Version.objects.get_for_object(source).get().revision
        self.edit_source(self.second_editor, source, title="A better title")
        approve(article, self.editor)

        earlier.revert()  # As the Source admin's history does.

        self.assertEqual(state_of(article), State.READY)
        with self.assertRaisesMessage(ValidationError, NOT_APPROVED):
            publish(article=article, kind="first", user=self.editor)

    def test_published_article_citing_an_edited_source_is_written_again(self):
        article = self.approved()
        publish(article=article, kind="first", user=self.editor)
        source = article.citations.first().source

        self.edit_source(self.second_editor, source, kind=Source.Kind.NEWS)

        self.assertEqual(state_of(article), State.WRITING)

    def test_a_newsroom_note_on_a_source_keeps_the_approval(self):
        article = self.approved()
        source = article.citations.first().source

        self.edit_source(self.second_editor, source, note="Checked the PDF again.")

        self.assertEqual(state_of(article), State.APPROVED)
        publish(article=article, kind="first", user=self.editor)

    def test_digest_covers_every_field_readers_see_of_a_source(self):
        article = build_article(citations=1, sections=1)
        source = article.citations.get().source
        before = digest_now(article)
        for field, value in {
            "title": "Another title",
            "publisher": "Another publisher",
            "authors": "A. N. Other",
            "published_on": datetime.date(2021, 5, 4),
            "kind": Source.Kind.DATASET,
            "url": "https://example.org/elsewhere",
            "archived_url": "https://archive.org/elsewhere",
        }.items():
            with self.subTest(field=field):
                original = getattr(source, field)
                Source.objects.filter(pk=source.pk).update(**{field: value})
                self.assertNotEqual(digest_now(article), before)
                Source.objects.filter(pk=source.pk).update(**{field: original})
        Source.objects.filter(pk=source.pk).update(
            published_on=datetime.date(2021, 5, 4)
        )
        dated = digest_now(article)
        Source.objects.filter(pk=source.pk).update(date_precision="year")
        self.assertNotEqual(digest_now(article), dated)


class StaleApprovalTests(ApprovalTestCase):
    def test_approving_a_draft_changed_since_it_was_loaded_is_refused(self):
        article = self.written()
        read = digest_now(article)
        self.save_in_admin(self.writer, article, summary="Changed meanwhile.")

        with self.assertRaisesMessage(ValidationError, STALE):
            approvals.approve(article=article, user=self.editor, expected_digest=read)

        self.assertEqual(state_of(article), State.READY)
        self.assertFalse(AuditEntry.objects.filter(action="review.approved").exists())

    def test_approval_records_the_digest_read(self):
        article = self.written()
        read = digest_now(article)

        approvals.approve(article=article, user=self.editor, expected_digest=read)

        article.refresh_from_db()
        self.assertEqual(article.approved_digest, read)
        entry = AuditEntry.objects.get(action="review.approved")
        self.assertEqual(entry.details["digest"], read)

    def test_approval_without_a_digest_is_refused(self):
        article = self.written()

        with self.assertRaisesMessage(ValidationError, "Say which draft you read"):
            approvals.approve(article=article, user=self.editor, expected_digest="")

        self.assertEqual(state_of(article), State.READY)

    def test_draft_changed_in_the_shell_may_be_approved_again(self):
        article = self.approved()
        article.refresh_from_db()
        article.summary = "Changed in the shell."
        article.save()  # No hook: the stored state still says approved.
        self.assertEqual(state_of(article), State.APPROVED)

        with self.assertRaisesMessage(ValidationError, NOT_APPROVED):
            publish(article=article, kind="first", user=self.editor)
        approve(article, self.second_editor)
        publication = publish(article=article, kind="first", user=self.editor)

        self.assertEqual(
            publication.content["draft"]["summary"], "Changed in the shell."
        )

    def test_published_draft_changed_in_the_shell_may_be_approved(self):
        article = self.approved()
        publish(article=article, kind="first", user=self.editor)
        article.sections.filter(position=1).update(body="Quietly changed [1].")

        with self.assertRaisesMessage(ValidationError, NOT_APPROVED):
            publish(article=article, kind="update", note="More.", user=self.editor)
        approve(article, self.second_editor)
        publish(article=article, kind="update", note="More.", user=self.editor)

        self.assertEqual(Publication.objects.count(), 2)

    def test_an_approved_draft_unchanged_cannot_be_approved_twice(self):
        article = self.approved()

        with self.assertRaisesMessage(ValidationError, "it cannot be approved now"):
            approve(article, self.second_editor)


class ReviewPanelTests(ApprovalTestCase):
    """Through the admin: the change form's review panel, posted as editors."""

    def panel(self, user, article):
        self.client.force_login(user)
        return self.client.get(self.change_url(article))

    def post_approve(self, user, article, digest):
        self.client.force_login(user)
        response = self.client.post(
            self.admin_url("approve", article), {"review_digest": digest}
        )
        return self.client.get(response["Location"])

    def test_panel_sends_the_digest_of_the_draft_shown(self):
        article = self.written()

        page = self.panel(self.editor, article)

        self.assertContains(
            page,
            f'<input type="hidden" name="review_digest" value="{digest_now(article)}">',
            html=True,
        )
        self.post_approve(self.editor, article, page.context["review"]["digest"])
        self.assertEqual(state_of(article), State.APPROVED)

    def test_approving_after_someone_saved_is_refused_with_a_message(self):
        article = self.written()
        digest = self.panel(self.editor, article).context["review"]["digest"]
        self.save_in_admin(self.writer, article, summary="Saved meanwhile.")

        page = self.post_approve(self.editor, article, digest)

        self.assertContains(page, STALE)
        self.assertEqual(state_of(article), State.READY)

    def test_editor_who_changed_it_sees_why_and_is_refused(self):
        article = self.approved()
        self.save_in_admin(self.editor, article, summary="Editor A's answer.")

        page = self.panel(self.editor, article)
        self.assertNotContains(page, ">Approve<")
        self.assertContains(page, "You changed this draft")
        page = self.post_approve(self.editor, article, page.context["review"]["digest"])

        self.assertContains(page, CHANGED_IT)
        self.assertEqual(state_of(article), State.READY)
        page = self.panel(self.second_editor, article)
        self.assertContains(page, ">Approve<")

    def test_publish_form_asks_for_an_override_after_a_source_edit(self):
        article = self.approved()
        source = article.citations.first().source
        Source.objects.filter(pk=source.pk).update(publisher="Changed quietly")
        self.client.force_login(self.editor)

        response = self.client.post(
            self.admin_url("publish", article), {"kind": "first", "confirm": "True"}
        )

        self.assertContains(response, NOT_APPROVED)
        self.assertContains(response, "Publish without an approval")
        self.assertFalse(Publication.objects.exists())

    def test_shell_change_shows_as_changed_since_approval(self):
        article = self.approved()
        Article.objects.filter(pk=article.pk).update(summary="Changed in the shell.")

        page = self.panel(self.second_editor, article)

        self.assertContains(page, "Changed since it was last approved or published")
        self.assertContains(page, ">Approve<")

    def test_editor_overrides_after_own_change_in_the_publish_form(self):
        article = self.approved()
        self.save_in_admin(self.editor, article, summary="Editor A's answer.")
        self.client.force_login(self.editor)
        url = self.admin_url("publish", article)
        data = {"kind": "first", "override": "on", "override_reason": "Deadline."}

        refused = self.client.post(url, {"kind": "first", "confirm": "True"})
        self.assertContains(refused, NOT_APPROVED)
        asked = self.client.post(url, data)
        digest = asked.context["form"]["digest"].value()
        response = self.client.post(url, {**data, "confirm": "True", "digest": digest})

        self.assertEqual(response.status_code, 302)
        entry = AuditEntry.objects.get(action="published")
        self.assertEqual(entry.details["override_reason"], "Deadline.")


class RevisionBaselineTests(ApprovalTestCase):
    def test_revisions_made_outside_the_admin_name_their_user(self):
        article = self.approved()
        with reversion.create_revision():
            reversion.set_user(self.second_editor)
            section = article.sections.first()
            section.body = "Rewritten by B in a script."
            section.save()

        self.assertIn(
            self.second_editor.pk, approvals.changed_by(article, load(article))
        )
        self.assertNotIn(self.editor.pk, approvals.changed_by(article, load(article)))
