from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse

from articles.models import Article, Author, Topic
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    TopicFactory,
    build_article,
    published_article,
)

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.articles.test_admin import change_form_data
from tests.roles import UserFactory


def staff(group):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


class SlugConstraintTests(TestCase):
    def test_slugs_that_differ_only_by_case_are_refused_by_the_database(self):
        for factory, model in [
            (ArticleFactory, Article),
            (TopicFactory, Topic),
            (AuthorFactory, Author),
        ]:
            with self.subTest(model=model.__name__):
                factory(slug="vote-fraud")

                with self.assertRaises(IntegrityError), transaction.atomic():
                    factory(slug="Vote-Fraud")

                self.assertEqual(
                    model.objects.filter(slug__iexact="VOTE-fraud").count(), 1
                )


class SlugFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = staff("Writer")
        cls.editor = staff("Editor")

    def test_a_writer_gets_a_readable_error_for_a_slug_in_other_capitals(self):
        ArticleFactory(slug="vote-fraud")
        article = build_article(slug="turnout")
        self.client.force_login(self.writer)

        response = self.client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            change_form_data(article, slug="Vote-Fraud"),
        )

        self.assertContains(
            response,
            "Another fact check has this slug with different capitals; readers "
            "would take the two addresses for one. Choose another slug.",
        )
        article.refresh_from_db()
        self.assertEqual(article.slug, "turnout")

    def test_an_editor_gets_a_readable_error_for_a_topic_slug_in_other_capitals(self):
        TopicFactory(name="Elections", slug="elections")
        self.client.force_login(self.editor)

        response = self.client.post(
            reverse("admin:articles_topic_add"),
            {"name": "Elections 2026", "slug": "ELECTIONS", "description": ""},
        )

        self.assertContains(response, "Another topic has this slug with different")
        self.assertEqual(Topic.objects.count(), 1)

    def test_an_editor_gets_a_readable_error_for_an_author_slug_in_other_capitals(
        self,
    ):
        AuthorFactory(name="Ada", slug="ada")
        self.client.force_login(self.editor)

        response = self.client.post(
            reverse("admin:articles_author_add"),
            {"name": "Ada L.", "slug": "Ada", "role": "", "bio": ""},
        )

        self.assertContains(response, "Another author has this slug with different")
        self.assertEqual(Author.objects.count(), 1)

    def test_the_same_slug_exactly_gets_only_the_usual_error(self):
        TopicFactory(name="Elections", slug="elections")
        self.client.force_login(self.editor)

        response = self.client.post(
            reverse("admin:articles_topic_add"),
            {"name": "Other", "slug": "elections", "description": ""},
        )

        self.assertContains(response, "Topic with this Slug already exists.")
        self.assertNotContains(response, "different capitals")


class OtherCasingRedirectTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.topic = TopicFactory(slug="elections")
        cls.author = AuthorFactory(slug="ada-writer")
        article = build_article(slug="turnout-claims")
        article.topics.add(cls.topic)
        article.authors.add(cls.author)
        publish(article=article, kind="first")
        cls.article = article

    def test_a_fact_check_in_other_capitals_redirects_permanently(self):
        response = self.client.get("/fact-checks/Turnout-CLAIMS/")

        self.assertRedirects(response, "/fact-checks/turnout-claims/", status_code=301)

    def test_a_topic_in_other_capitals_redirects_permanently(self):
        response = self.client.get("/topics/Elections/")

        self.assertRedirects(response, "/topics/elections/", status_code=301)

    def test_an_author_in_other_capitals_redirects_permanently(self):
        response = self.client.get("/authors/Ada-Writer/")

        self.assertRedirects(response, "/authors/ada-writer/", status_code=301)

    def test_an_earlier_address_in_other_capitals_redirects_to_the_current_one(self):
        self.article.slug = "turnout"
        self.article.save()
        publish(article=self.article, kind="details")

        response = self.client.get("/fact-checks/TURNOUT-claims/")

        self.assertRedirects(response, "/fact-checks/turnout/", status_code=301)

    def test_the_canonical_address_answers_without_a_redirect(self):
        self.assertEqual(
            self.client.get("/fact-checks/turnout-claims/").status_code, 200
        )
        self.assertEqual(self.client.get("/topics/elections/").status_code, 200)
        self.assertEqual(self.client.get("/authors/ada-writer/").status_code, 200)

    def test_an_unknown_slug_in_any_capitals_is_not_found(self):
        for path in ["/fact-checks/Nothing/", "/topics/Nothing/", "/authors/NOBODY/"]:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)


class PublishedAddressTests(TestCase):
    def test_an_address_another_fact_check_had_in_other_capitals_cannot_be_reused(
        self,
    ):
        first = published_article(slug="Vote-Fraud")
        first.slug = "vote-fraud-2025"
        first.save()
        publish(article=first, kind="details")
        second = build_article(slug="vote-fraud")

        with self.assertRaisesMessage(
            Exception, "The address /fact-checks/vote-fraud/ belongs to another"
        ):
            publish(article=second, kind="first")
