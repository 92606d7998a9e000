import datetime

import reversion
import time_machine
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse
from reversion.models import Version

from articles.factchecks.publishing import publish
from articles.models import Article, PreviewLink, Publication, Section, Topic
from sources.models import Source
from tests.articles.factories import (
    SectionFactory,
    TopicFactory,
    approve_as_is,
    build_article,
    edit_summary,
    published_article,
)
from tests.roles import UserFactory, create_roles, staff
from tests.sources.factories import SourceFactory

INLINES = {
    "sections": ["position", "heading", "body"],
    "claims": [
        "position",
        "statement",
        "claimant",
        "claimed_on",
        "appearance_url",
        "appearance",
        "rating",
        "is_headline",
        "explanation",
    ],
    "citations": ["position", "source", "pinpoint", "note"],
    "related_questions": ["position", "question", "answer"],
}


def form_value(value):
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return value.pk
    return value


def change_form_data(article, **changes):
    """POST data for the article's change form, as the admin would send it."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "checked_on": article.checked_on or "",
        "sources_note": article.sources_note,
        "topics": [t.pk for t in article.topics.all()],
        "authors": [a.pk for a in article.authors.all()],
        "edit_token": edit_token_of(article),
    }
    if article.no_donation_ask:
        data["no_donation_ask"] = "on"
    for prefix, fields in INLINES.items():
        rows = list(getattr(article, prefix).order_by("position"))
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-id"] = row.pk
            data[f"{prefix}-{index}-article"] = article.pk
            for name in fields:
                data[f"{prefix}-{index}-{name}"] = form_value(getattr(row, name))
    data.update(changes)
    return data


def edit_token_of(article):
    from articles.admin.forms import ArticleAdminForm

    article.refresh_from_db()
    return ArticleAdminForm.edit_token_for(article)


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.writer = staff("Writer")
        cls.editor = staff("Editor")
        cls.fundraiser = staff("Fundraising")

    def change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def admin_url(self, name, article):
        return reverse(f"admin:articles_article_{name}", args=[article.pk])

    def save_in_admin(self, user, article, **changes):
        self.client.force_login(user)
        return self.client.post(
            self.change_url(article), change_form_data(article, **changes)
        )


class RoleTests(AdminTestCase):
    def test_anonymous_is_sent_to_login(self):
        article = build_article()

        for url in (
            reverse("admin:articles_article_changelist"),
            self.change_url(article),
            self.admin_url("publish", article),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(response, f"/admin/login/?next={url}")

    def test_writer_saves_drafts_without_changing_what_readers_see(self):
        article = published_article()

        response = self.save_in_admin(
            self.writer, article, title="Fact check: New title?"
        )

        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.title, "Fact check: New title?")
        self.assertNotEqual(
            Publication.objects.get(article=article).title, article.title
        )
        self.assertNotContains(
            self.client.get(article.get_absolute_url()), "Fact check: New title?"
        )

    def test_writer_cannot_publish_withdraw_or_revert_by_any_path(self):
        article = published_article()
        self.save_in_admin(self.editor, article)
        version = Version.objects.get_for_object(article).get()
        self.client.force_login(self.writer)

        page = self.client.get(self.change_url(article))
        self.assertNotContains(page, "publish-link")
        self.assertNotContains(page, self.admin_url("withdraw", article))
        for url, data in [
            (
                self.admin_url("publish", article),
                {"kind": "update", "note": "x", "confirm": "True"},
            ),
            (self.admin_url("withdraw", article), {"note": "x", "confirm": "True"}),
            (self.admin_url("cancel_scheduled", article), {}),
            (reverse("admin:articles_article_recoverlist"), {}),
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
                self.assertEqual(self.client.post(url, data).status_code, 403)
        url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertEqual(Publication.objects.filter(article=article).count(), 1)

    def test_editor_publishes_after_confirming(self):
        article = build_article()
        self.client.force_login(self.editor)
        url = self.admin_url("publish", article)

        asked = self.client.post(url, {"kind": "first", "note": ""})
        self.assertContains(asked, "Readers will see")
        self.assertIs(Publication.objects.exists(), False)
        done = self.client.post(url, {"kind": "first", "note": "", "confirm": "True"})

        self.assertRedirects(done, self.change_url(article))
        publication = Publication.objects.get()
        self.assertEqual(publication.published_by, self.editor)
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)

    def test_correction_without_note_is_refused_with_a_message(self):
        article = published_article()
        self.client.force_login(self.editor)

        response = self.client.post(
            self.admin_url("publish", article),
            {"kind": "correction", "note": " ", "confirm": "True"},
        )

        self.assertContains(
            response, "Write a public note saying what changed and why."
        )
        self.assertEqual(Publication.objects.count(), 1)

    def test_unresolved_marker_blocks_publishing_with_its_name(self):
        article = build_article(citations=4, sections=1)
        SectionFactory(
            article=article, position=2, heading="The tally", body="Off [9]."
        )
        self.client.force_login(self.editor)

        page = self.client.get(self.admin_url("publish", article))
        posted = self.client.post(
            self.admin_url("publish", article), {"kind": "first", "confirm": "True"}
        )

        for response in (page, posted):
            self.assertContains(
                response,
                "Section 2 “The tally”: [9] points to no citation (this article has 4).",
            )
        self.assertIs(Publication.objects.exists(), False)

    def test_editor_withdraws_with_a_required_note(self):
        article = published_article()
        self.client.force_login(self.editor)
        url = self.admin_url("withdraw", article)

        empty = self.client.post(url, {"note": "", "confirm": "True"})
        self.assertContains(empty, "This field is required.")
        self.client.post(url, {"note": "Relied on a forged memo.", "confirm": "True"})

        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "Relied on a forged memo.", status_code=410)

    def test_scheduled_publication_can_be_cancelled_before_its_time(self):
        article = build_article()
        publish(
            article=article,
            kind="first",
            published_at=datetime.datetime.now(datetime.UTC)
            + datetime.timedelta(days=1),
        )
        self.client.force_login(self.editor)

        self.client.post(self.admin_url("cancel_scheduled", article))

        self.assertIs(Publication.objects.exists(), False)

    def test_fundraiser_sees_no_articles_or_sources(self):
        self.client.force_login(self.fundraiser)

        index = self.client.get(reverse("admin:index"))
        self.assertNotContains(index, "/admin/articles/")
        self.assertNotContains(index, "/admin/sources/")
        for url in (
            reverse("admin:articles_article_changelist"),
            reverse("admin:sources_source_changelist"),
            self.change_url(build_article()),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)

    def test_article_list_shows_status_and_last_editor(self):
        draft = build_article(title="Fact check: Only a draft?")
        live = published_article(title="Fact check: Published?")
        changed = published_article(title="Fact check: Changed since?")
        self.save_in_admin(self.editor, changed, summary="New summary.")
        self.client.force_login(self.editor)

        # User (the session comes from the cache), permissions (2), filter
        # choices (4: writers, reviewers, topics, authors), counts (2), the
        # rows with their status and last editor, date hierarchy (2): no
        # query per row.
        with self.assertNumQueries(12):
            response = self.client.get(reverse("admin:articles_article_changelist"))

        rows = {a.title: a for a in response.context["cl"].result_list}
        admin = response.context["cl"].model_admin
        self.assertEqual(admin.status(rows[draft.title]), "Draft")
        self.assertEqual(admin.status(rows[live.title]), "Published v1")
        self.assertEqual(
            admin.status(rows[changed.title]), "Published v1 · unpublished changes"
        )
        self.assertEqual(admin.last_editor(rows[changed.title]), "editor")
        filtered = self.client.get(
            reverse("admin:articles_article_changelist") + "?status=changed"
        )
        self.assertEqual(
            [a.title for a in filtered.context["cl"].result_list], [changed.title]
        )


class HistoryTests(AdminTestCase):
    def test_each_admin_save_is_one_revision_with_all_children(self):
        article = build_article(sections=2, citations=2, claims=1, related=1)

        self.save_in_admin(self.writer, article, summary="Changed.")

        version = Version.objects.get_for_object(article).get()
        models = sorted(
            v.content_type.model for v in version.revision.version_set.all()
        )
        self.assertEqual(
            models,
            [
                "article",
                "citation",
                "citation",
                "claim",
                "relatedquestion",
                "section",
                "section",
            ],
        )
        self.assertEqual(version.revision.user, self.writer)
        self.assertIn("Changed Executive summary", version.revision.get_comment())

    def test_revert_restores_exactly_the_old_children_into_the_draft_only(self):
        article = published_article(sections=2)
        self.save_in_admin(self.editor, article)  # Revision A: sections 1 and 2.
        revision_a = Version.objects.get_for_object(article).first()
        public_before = self.client.get(article.get_absolute_url()).content
        data = change_form_data(article)
        data.update(
            {
                "sections-0-DELETE": "on",
                "sections-TOTAL_FORMS": 3,
                "sections-2-position": 3,
                "sections-2-heading": "Added later",
                "sections-2-body": "New.",
                "sections-1-heading": "Renamed",
            }
        )
        self.client.post(self.change_url(article), data)
        self.assertEqual(
            list(article.sections.values_list("heading", flat=True)),
            ["Renamed", "Added later"],
        )

        self.client.post(
            reverse("admin:articles_article_revision", args=[article.pk, revision_a.pk])
        )

        self.assertEqual(
            list(
                article.sections.order_by("position").values_list("position", "heading")
            ),
            [(1, "Part 1"), (2, "Part 2")],
        )
        self.client.logout()
        self.assertEqual(
            self.client.get(article.get_absolute_url()).content, public_before
        )

    def test_deleted_article_is_recovered_with_its_children(self):
        article = build_article(sections=3, citations=2, claims=1)
        self.client.force_login(self.editor)
        self.client.post(
            reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
        )
        self.assertIs(Article.objects.exists(), False)
        deleted = Version.objects.get_deleted(Article).get()

        self.client.post(reverse("admin:articles_article_recover", args=[deleted.pk]))

        recovered = Article.objects.get(pk=article.pk)
        self.assertEqual(recovered.sections.count(), 3)
        self.assertEqual(recovered.citations.count(), 2)
        self.assertEqual(recovered.claims.count(), 1)

    def article_only_user(self):
        """Full rights on articles, none on any other model."""
        user = UserFactory(username="articles-only", is_staff=True)
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="articles",
                content_type__model__in=[
                    "article",
                    "section",
                    "claim",
                    "citation",
                    "relatedquestion",
                ],
            )
        )
        return user

    def test_version_of_another_model_is_refused_and_changes_nothing(self):
        # With stock django-reversion, posting a topic's version id to the
        # article admin would revert the topic.
        user = self.article_only_user()
        self.assertIs(user.has_perm("articles.change_topic"), False)
        topic = TopicFactory(name="Original")
        article = build_article()
        self.save_in_admin(user, article)
        with reversion.create_revision():
            topic.save()
        topic_version = Version.objects.get_for_object(topic).get()
        Topic.objects.filter(pk=topic.pk).update(name="Renamed since")

        for url in (
            reverse(
                "admin:articles_article_revision", args=[article.pk, topic_version.pk]
            ),
            reverse(
                "admin:articles_article_revision", args=[topic.pk, topic_version.pk]
            ),
            reverse("admin:articles_article_recover", args=[topic_version.pk]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url).status_code, 404)
                self.assertEqual(Topic.objects.get(pk=topic.pk).name, "Renamed since")

    def test_source_version_cannot_be_recovered_through_articles(self):
        with reversion.create_revision():
            source = SourceFactory(title="Kept")
        version = Version.objects.get_for_object(source).get()
        source.delete()
        self.client.force_login(self.article_only_user())

        response = self.client.post(
            reverse("admin:articles_article_recover", args=[version.pk])
        )

        self.assertEqual(response.status_code, 404)
        self.assertIs(Source.objects.exists(), False)

    def test_bulk_action_saves_each_article_in_its_own_revision(self):
        first, second = build_article(), build_article()
        self.client.force_login(self.editor)

        self.client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "stop_asking_for_donations",
                "_selected_action": [first.pk, second.pk],
            },
        )

        for article in (first, second):
            article.refresh_from_db()
            self.assertIs(article.no_donation_ask, True)
            version = Version.objects.get_for_object(article).get()
            self.assertEqual(version.revision.user, self.editor)
            self.assertEqual(version.field_dict["no_donation_ask"], True)
            self.assertEqual(
                {
                    v.object_id
                    for v in version.revision.version_set.filter(
                        content_type=ContentType.objects.get_for_model(Article)
                    )
                },
                {str(article.pk)},
            )

    def test_compare_marks_insertions_and_deletions_since_live(self):
        article = published_article()
        Section.objects.filter(article=article, position=1).update(
            body="Paragraph of section one, rewritten."
        )
        self.client.force_login(self.writer)

        response = self.client.get(
            self.admin_url("compare", article) + "?from=live&to=draft"
        )

        self.assertContains(response, "<del>1</del>", html=False)
        self.assertContains(response, "<ins>one, rewritten</ins>", html=False)
        self.assertContains(response, "Section 1 “Part 1”")

    def test_history_lists_revisions_and_publications(self):
        article = published_article()
        self.save_in_admin(self.editor, article, summary="Changed.")
        approve_as_is(article)
        publish(article=article, kind="update", note="Rewrote the summary.")
        self.client.force_login(self.writer)

        response = self.client.get(self.admin_url("history", article))

        self.assertContains(response, "Published v2: Update")
        self.assertContains(response, "Rewrote the summary.")
        self.assertContains(response, "Changed Executive summary")
        self.assertNotContains(response, "Revert to this")


class StaleFormTests(AdminTestCase):
    def test_second_save_from_a_stale_form_is_refused_and_shows_the_change(self):
        article = build_article(summary="Original summary.")
        self.save_in_admin(self.writer, article)
        stale = change_form_data(article, summary="Writer's summary.")
        self.save_in_admin(self.editor, article, title="Fact check: Editor's title?")
        self.client.force_login(self.writer)

        response = self.client.post(self.change_url(article), stale)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Changed by editor at")
        self.assertContains(response, "your changes were not saved")
        self.assertRegex(
            response.content.decode(),
            r"Fact check: <del>Question</del><ins>Editor&#x27;s</ins> "
            r"<del>number \d+</del><ins>title</ins>\?",
        )
        self.assertNotContains(response, "<ins>Original summary.</ins>", html=False)
        article.refresh_from_db()
        self.assertEqual(article.title, "Fact check: Editor's title?")
        self.assertEqual(article.summary, "Original summary.")


class PreviewTests(AdminTestCase):
    def test_share_link_shows_the_draft_privately(self):
        article = published_article()
        Section.objects.filter(article=article, position=1).update(
            body="Draft only text."
        )
        link = PreviewLink.objects.create(article=article, created_by=self.editor)

        response = self.client.get(link.get_absolute_url())

        self.assertContains(response, "Draft only text.")
        self.assertContains(response, "Preview of the draft")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertIn("noindex", response["X-Robots-Tag"])
        self.assertContains(
            response, '<meta name="robots" content="noindex, nofollow">', html=True
        )
        self.assertNotContains(
            self.client.get(article.get_absolute_url()), "Draft only text."
        )

    def test_tampered_expired_and_other_article_tokens_answer_404(self):
        article, other = build_article(), build_article()
        url = PreviewLink.objects.create(article=article).get_absolute_url()
        token = url.rstrip("/").rsplit("/", 1)[1]

        tampered = url.replace(
            token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        )
        self.assertEqual(self.client.get(tampered).status_code, 404)
        wrong = reverse(
            "articles:shared_preview", kwargs={"pk": other.pk, "token": token}
        )
        self.assertEqual(self.client.get(wrong).status_code, 404)
        with time_machine.travel(datetime.timedelta(days=8)):
            self.assertEqual(self.client.get(url).status_code, 404)
        with time_machine.travel(datetime.timedelta(days=6)):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_staff_preview_needs_view_rights(self):
        article = build_article()
        url = article.preview_url()

        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.fundraiser)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.writer)
        self.assertEqual(self.client.get(url).status_code, 200)


class SourceAdminTests(AdminTestCase):
    def test_source_page_lists_the_articles_citing_it(self):
        article = build_article(citations=1)
        source = article.citations.get().source
        self.client.force_login(self.writer)

        response = self.client.get(
            reverse("admin:sources_source_change", args=[source.pk])
        )

        self.assertContains(response, article.title)
        self.assertContains(response, self.change_url(article))

    def test_duplicate_source_gets_a_form_error_and_saves_nothing(self):
        SourceFactory(title="Annual report", url="https://example.org/report")
        self.client.force_login(self.writer)

        response = self.client.post(
            reverse("admin:sources_source_add"),
            {
                "title": "Again",
                "url": "https://www.example.org/report/",
                "kind": "official",
                "date_precision": "day",
            },
        )

        self.assertContains(
            response, "This document is already a source: “Annual report”."
        )
        self.assertEqual(Source.objects.count(), 1)


class PositionTests(AdminTestCase):
    def test_swapping_positions_in_the_admin_works(self):
        article = build_article(sections=2)

        self.save_in_admin(
            self.writer, article, **{"sections-0-position": 2, "sections-1-position": 1}
        )

        self.assertEqual(
            list(
                article.sections.order_by("position").values_list("heading", flat=True)
            ),
            ["Part 2", "Part 1"],
        )

    def test_duplicate_positions_get_a_form_error(self):
        article = build_article(sections=2)

        response = self.save_in_admin(
            self.writer, article, **{"sections-1-position": 1}
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please correct the duplicate data for position.")

    def test_empty_position_adds_at_the_end(self):
        article = build_article(sections=2)
        data = change_form_data(article)
        data.update(
            {
                "sections-TOTAL_FORMS": 3,
                "sections-2-heading": "Third",
                "sections-2-body": "Text.",
                "sections-2-position": "",
            }
        )
        self.client.force_login(self.writer)

        self.client.post(self.change_url(article), data)

        self.assertEqual(article.sections.get(heading="Third").position, 3)


class MoreRoleTests(AdminTestCase):
    def test_bulk_actions_need_change_rights(self):
        article = build_article()
        reader = UserFactory(is_staff=True)
        reader.user_permissions.add(Permission.objects.get(codename="view_article"))
        self.client.force_login(reader)

        self.client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "mark_checked_today", "_selected_action": [article.pk]},
        )

        article.refresh_from_db()
        self.assertEqual(article.checked_on, datetime.date(2026, 11, 2))
        self.assertIs(Version.objects.get_for_object(article).exists(), False)

    def test_every_versioned_admin_refuses_versions_of_other_models(self):
        from django.contrib import admin as django_admin

        from factually.admin import VersionedModelAdmin

        boss = UserFactory(is_staff=True, is_superuser=True)
        article = build_article(title="Fact check: Original title?")
        self.save_in_admin(boss, article)
        article_version = Version.objects.get_for_object(article).get()
        Article.objects.filter(pk=article.pk).update(title="Fact check: Edited since?")
        with reversion.create_revision():
            topic = TopicFactory(name="Original")
        topic_version = Version.objects.get_for_object(topic).get()
        Topic.objects.filter(pk=topic.pk).update(name="Edited since")
        self.client.force_login(boss)

        versioned = [
            model_admin
            for model_admin in django_admin.site._registry.values()
            if isinstance(model_admin, VersionedModelAdmin)
        ]
        self.assertGreaterEqual(len(versioned), 4)
        for model_admin in versioned:
            foreign = topic_version if model_admin.model is Article else article_version
            prefix = f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}"
            for url in (
                reverse(f"{prefix}_revision", args=[foreign.object_id, foreign.pk]),
                reverse(f"{prefix}_recover", args=[foreign.pk]),
            ):
                with self.subTest(url=url):
                    # 403 where nobody may recover (about pages), before
                    # any version is looked up; else 404.
                    self.assertIn(self.client.post(url).status_code, (403, 404))
        self.assertEqual(Article.objects.get().title, "Fact check: Edited since?")
        self.assertEqual(Topic.objects.get().name, "Edited since")

    def test_list_shows_a_live_article_with_a_scheduled_update_as_published(self):
        article = published_article(
            published_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
        )
        edit_summary(article)
        publish(
            article=article,
            kind="update",
            note="Later.",
            published_at=datetime.datetime(2099, 1, 1, 9, 0, tzinfo=datetime.UTC),
        )
        self.client.force_login(self.editor)

        response = self.client.get(reverse("admin:articles_article_changelist"))
        live = self.client.get(
            reverse("admin:articles_article_changelist") + "?status=live"
        )

        (row,) = response.context["cl"].result_list
        self.assertEqual(
            response.context["cl"].model_admin.status(row),
            "Published v1 · v2 scheduled for Jan 1, 2099 09:00",
        )
        self.assertEqual(len(live.context["cl"].result_list), 1)

    def test_draft_saved_after_review_is_not_published_unseen(self):
        article = build_article()
        self.client.force_login(self.editor)
        url = self.admin_url("publish", article)
        asked = self.client.post(url, {"kind": "first"})
        digest = asked.context["form"]["digest"].value()
        Section.objects.filter(article=article, position=1).update(body="Sneaked in.")

        response = self.client.post(
            url, {"kind": "first", "confirm": "True", "digest": digest}
        )

        # Changed after its approval too: it needs another review first.
        self.assertContains(response, "This draft is not approved as it stands")
        self.assertIs(Publication.objects.exists(), False)


class MoreStaleFormTests(AdminTestCase):
    def make_conflict(self):
        article = build_article(summary="Original summary.")
        self.save_in_admin(self.writer, article)
        stale = change_form_data(article, summary="Writer's summary.")
        self.save_in_admin(self.editor, article, title="Fact check: Editor's title?")
        self.client.force_login(self.writer)
        self.client.post(self.change_url(article), stale)
        return article, stale

    def test_submitting_the_stale_form_again_is_still_refused(self):
        article, stale = self.make_conflict()

        response = self.client.post(self.change_url(article), stale)

        self.assertContains(response, "your changes were not saved")
        article.refresh_from_db()
        self.assertEqual(article.title, "Fact check: Editor's title?")

    def test_ticking_overwrite_saves_and_keeps_theirs_in_history(self):
        article, stale = self.make_conflict()

        self.client.post(self.change_url(article), {**stale, "overwrite": "on"})

        article.refresh_from_db()
        self.assertEqual(article.summary, "Writer's summary.")
        titles = [
            v.field_dict["title"] for v in Version.objects.get_for_object(article)
        ]
        self.assertIn("Fact check: Editor's title?", titles)


class RevertFailureTests(AdminTestCase):
    def test_revision_whose_slug_is_taken_is_refused_with_a_message(self):
        article = build_article(slug="first-address")
        self.save_in_admin(self.editor, article)
        old = Version.objects.get_for_object(article).get()
        self.save_in_admin(self.editor, article, slug="second-address")
        build_article(slug="first-address")

        response = self.client.post(
            reverse("admin:articles_article_revision", args=[article.pk, old.pk]),
            follow=True,
        )

        self.assertContains(response, "Nothing was changed")
        article.refresh_from_db()
        self.assertEqual(article.slug, "second-address")
