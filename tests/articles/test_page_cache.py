"""Every path that changes what a page shows retires it from the page cache."""

import datetime

import time_machine
from django.test import TestCase
from django.urls import reverse

from articles.factchecks.publishing import withdraw
from tests.articles.factories import TopicFactory, edit_summary, published_article

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.roles import create_roles, staff

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
class RetiredOnChangeTests(TestCase):
    def setUp(self):
        self.article = published_article(
            slug="cached",
            summary="First answer.",
            published_at=NOW - datetime.timedelta(days=2),
        )
        self.url = reverse("articles:detail", args=["cached"])
        self.assertContains(self.client.get(self.url), "First answer.")  # Cached.

    def test_publish_serves_the_new_version_at_once(self):
        self.article.summary = "Second answer."
        self.article.save()
        with self.captureOnCommitCallbacks(execute=True):
            publish(article=self.article, kind="update", note="New answer.")

        self.assertContains(self.client.get(self.url), "Second answer.")
        self.assertContains(self.client.get(reverse("home")), "Second answer.")

    def test_scheduled_version_appears_at_its_time(self):
        edit_summary(self.article, "Later news.")
        with self.captureOnCommitCallbacks(execute=True):
            publish(
                article=self.article,
                kind="update",
                note="Later.",
                published_at=NOW + datetime.timedelta(hours=1),
            )

        self.assertNotContains(self.client.get(self.url), "Later news.")
        with time_machine.travel(NOW + datetime.timedelta(hours=1, seconds=1)):
            self.assertContains(self.client.get(self.url), "Later news.")

    def test_withdrawal_is_served_at_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            withdraw(article=self.article, note="A source was forged.")

        self.assertContains(
            self.client.get(self.url), "A source was forged.", status_code=410
        )

    def test_topic_edit_in_the_admin_retires_pages(self):
        create_roles()
        topic = TopicFactory(name="Elections")
        self.article.topics.add(topic)
        with self.captureOnCommitCallbacks(execute=True):
            publish(article=self.article, kind="details")
        topic_url = topic.get_absolute_url()
        self.assertContains(self.client.get(topic_url), "Elections")
        self.client.force_login(staff("Editor"))
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:articles_topic_change", args=[topic.pk]),
                {"name": "Voting", "slug": topic.slug, "description": ""},
            )
        self.client.logout()

        self.assertContains(self.client.get(topic_url), "Voting")
