"""The editors' desk on the admin's home page."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.factchecks.publishing import publish
from articles.models import Article, Notification
from articles.newsroom import desk, workflow
from tests.articles.factories import build_article, edit_summary, published_article
from tests.roles import create_roles, staff

State = Article.ReviewState


class DeskTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.writer = staff("Writer")
        cls.editor = staff("Editor")
        cls.fundraiser = staff("Fundraising")

    def lists(self, user):
        return {item.key: item for item in desk.for_user(user).lists}

    def titles(self, desk_list):
        return [item.title for item in desk_list.items]

    def article(self, title, **fields):
        article = build_article(approved=False, title=title)
        Article.objects.filter(pk=article.pk).update(**fields)
        return Article.objects.get(pk=article.pk)

    def test_each_list_holds_what_it_names(self):
        today = timezone.localdate()
        self.article("Mine", assigned_writer=self.writer)
        self.article(
            "Waiting",
            review_state=State.READY,
            submitted_by=self.writer,
            assigned_reviewer=self.editor,
        )
        self.article(
            "Sent back",
            review_state=State.CHANGES_REQUESTED,
            assigned_writer=self.writer,
        )
        self.article("Late", due_on=today - datetime.timedelta(days=1))
        self.article("Far off", due_on=today + datetime.timedelta(days=30))
        scheduled = build_article(title="Later?")
        publish(
            article=scheduled,
            kind="first",
            published_at=timezone.now() + datetime.timedelta(days=1),
        )
        published_article(title="Out now?")
        corrected = published_article(title="Fixed?")
        edit_summary(corrected, "It was 200.")
        publish(article=corrected, kind="correction", note="Fixed a figure.")

        writer, editor = self.lists(self.writer), self.lists(self.editor)

        self.assertEqual(self.titles(writer["mine"]), ["Sent back", "Mine"])
        self.assertEqual(self.titles(writer["changes"]), ["Sent back"])
        self.assertNotIn("review", writer)  # Writers do not review.
        self.assertEqual(self.titles(editor["review"]), ["Waiting"])
        self.assertEqual(self.titles(editor["due"]), ["Late"])
        self.assertEqual(self.titles(editor["scheduled"]), ["Later?"])
        self.assertEqual(self.titles(editor["published"]), ["Fixed?", "Out now?"])
        self.assertEqual(self.titles(editor["corrected"]), ["Fixed?"])
        self.assertEqual(editor["published"].count, 2)

    def test_own_submission_is_not_awaiting_my_review(self):
        self.article("Mine to wait", review_state=State.READY, submitted_by=self.editor)

        self.assertEqual(self.lists(self.editor)["review"].count, 0)

    def test_lists_are_short_but_count_everything(self):
        for number in range(8):
            self.article(f"Draft {number}", assigned_writer=self.writer)

        mine = self.lists(self.writer)["mine"]

        self.assertEqual(mine.count, 8)
        self.assertEqual(len(mine.items), desk.SIZE)

    def test_fundraiser_has_no_desk(self):
        self.assertIsNone(desk.for_user(self.fundraiser))
        self.client.force_login(self.fundraiser)

        response = self.client.get(reverse("admin:index"))

        self.assertNotContains(response, "Editors’ desk")

    def test_admin_home_shows_the_desk_with_the_notification_count(self):
        article = self.article("Look at me", assigned_writer=self.writer)
        workflow.submit(article=article, user=self.writer)
        Notification.objects.create(recipient=self.editor, message="Another one")
        self.client.force_login(self.editor)

        response = self.client.get(reverse("admin:index"))

        self.assertContains(response, "Editors’ desk")
        self.assertContains(
            response, '<strong class="desk__count">2</strong> unread notifications'
        )
        self.assertContains(response, "Awaiting my review")
        self.assertContains(response, "Look at me")

    def build(self, size):
        """`size` articles in each of the desk's lists."""
        today = timezone.localdate()
        for number in range(size):
            self.article(
                f"Mine {size}-{number}",
                assigned_writer=self.editor,
                due_on=today,
            )
            self.article(
                f"Waiting {size}-{number}",
                review_state=State.READY,
                submitted_by=self.writer,
                assigned_writer=self.writer,
                assigned_reviewer=self.writer,
            )
            self.article(
                f"Back {size}-{number}",
                review_state=State.CHANGES_REQUESTED,
                submitted_by=self.editor,
            )
            corrected = published_article(title=f"Fixed {size}-{number}?")
            edit_summary(corrected, "It was 200.")
            publish(article=corrected, kind="correction", note="Fixed.")
            later = build_article(title=f"Later {size}-{number}?")
            publish(
                article=later,
                kind="first",
                published_at=timezone.now() + datetime.timedelta(days=1),
            )
            Notification.objects.create(recipient=self.editor, message="x")

    def test_desk_query_count_does_not_grow_with_the_articles(self):
        self.client.force_login(self.editor)
        ContentType.objects.get_for_model(Article)
        total = 0
        for size in (2, 12):
            self.build(size)
            total += size
            # Session user, permissions (2), the desk (one count query over
            # articles, one over publications, seven lists, the unread count
            # and the first notifications), recent actions.
            with self.subTest(size=size), self.assertNumQueries(15):
                response = self.client.get(reverse("admin:index"))
            lists = {item.key: item for item in response.context["desk"].lists}
            self.assertEqual(lists["mine"].count, total)
            self.assertEqual(lists["corrected"].count, total)
            self.assertEqual(len(lists["corrected"].items), min(total, desk.SIZE))
