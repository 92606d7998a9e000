"""
The project's admin site and the shape of the article admin: the site's
rules hold for every admin, the article admin's class chain stays short,
and no request leaves state on a (shared) admin instance.
"""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse

from articles.admin.article import ArticleAdmin
from articles.models import Article, Publication
from factually.admin import ObjectAccessMixin
from factually.admin_site import FactuallyAdminSite
from tests.articles.factories import edit_summary, published_article
from tests.roles import create_roles, staff

from .test_admin import change_form_data

MAX_CHAIN = 5


def project_chain(admin_class):
    """
    The classes of `admin_class`'s MRO that are not Django's own (nor
    `object`): ours and django-reversion's, each a place its behaviour
    may come from.
    """
    return [
        cls
        for cls in admin_class.__mro__
        if cls is not object and not cls.__module__.startswith("django.")
    ]


class AdminSiteTests(TestCase):
    def test_the_default_site_is_the_projects(self):
        self.assertIsInstance(admin.site, FactuallyAdminSite)
        self.assertEqual(str(admin.site.site_header), "Factually newsroom")

    def test_an_admin_registered_without_the_guard_is_given_it(self):
        site = FactuallyAdminSite(name="scratch")

        site.register(LogEntry)

        model_admin = site.get_model_admin(LogEntry)
        self.assertIsInstance(model_admin, ObjectAccessMixin)
        self.assertIsInstance(model_admin, admin.ModelAdmin)

    def test_an_admin_with_the_guard_is_registered_as_it_is(self):
        site = FactuallyAdminSite(name="scratch")

        site.register(Article, ArticleAdmin)

        self.assertIs(type(site.get_model_admin(Article)), ArticleAdmin)

    def test_view_on_site_answers_a_fundraiser_as_for_a_missing_id(self):
        create_roles()
        article = published_article()
        content_type = ContentType.objects.get_for_model(Article).pk
        self.client.force_login(staff("Fundraising"))

        there = self.client.get(
            reverse("admin:view_on_site", args=[content_type, article.pk])
        )
        missing = self.client.get(
            reverse("admin:view_on_site", args=[content_type, 999_999])
        )

        self.assertEqual(there.status_code, 403)
        self.assertEqual(missing.status_code, 403)

    def test_view_on_site_sends_an_editor_to_the_public_page(self):
        create_roles()
        article = published_article(slug="on-site")
        content_type = ContentType.objects.get_for_model(Article).pk
        self.client.force_login(staff("Editor"))

        response = self.client.get(
            reverse("admin:view_on_site", args=[content_type, article.pk])
        )

        self.assertEqual(response.status_code, 302)
        self.assertIn("/on-site/", response["Location"])


class ArticleAdminShapeTests(TestCase):
    def test_class_chain_is_at_most_five_classes(self):
        chain = project_chain(ArticleAdmin)

        self.assertLessEqual(len(chain), MAX_CHAIN, [c.__qualname__ for c in chain])

    def test_chain_counts_ours_and_reversions_but_not_djangos(self):
        names = [
            f"{c.__module__}.{c.__qualname__}" for c in project_chain(ArticleAdmin)
        ]

        self.assertEqual(names[0], "articles.admin.article.ArticleAdmin")
        self.assertIn("reversion.admin.VersionAdmin", names)
        self.assertNotIn("django.contrib.admin.options.ModelAdmin", names)

    def test_render_change_form_is_overridden_once_in_the_chain(self):
        overriding = [
            cls
            for cls in project_chain(ArticleAdmin)
            if "render_change_form" in vars(cls)
        ]

        self.assertEqual(overriding, [ArticleAdmin])

    def test_no_two_admin_classes_share_a_name(self):
        from factually import admin as factually_admin

        self.assertFalse(hasattr(factually_admin, "VersionAdmin"))


class NoStateOnAdminInstancesTests(TestCase):
    """
    An admin instance serves every request and thread at once: a request
    that set an attribute on it would leak into another's answer.
    """

    @classmethod
    def setUpTestData(cls):
        create_roles()
        cls.editor = staff("Editor")
        cls.writer = staff("Writer")
        cls.article = published_article()
        edit_summary(cls.article)
        cls.publication = Publication.objects.get(article=cls.article)

    def snapshot(self):
        return {
            model: {name: id(value) for name, value in vars(model_admin).items()}
            for model, model_admin in admin.site._registry.items()
        }

    def pages(self):
        article, publication = self.article, self.publication
        name = "admin:articles_article_{}".format
        return [
            reverse("admin:index"),
            reverse("admin:articles_article_changelist"),
            reverse(name("change"), args=[article.pk]),
            reverse(name("history"), args=[article.pk]),
            reverse(name("compare"), args=[article.pk]),
            reverse(name("publish"), args=[article.pk]),
            reverse(name("preview"), args=[article.pk]),
            reverse(name("import")),
            reverse("admin:articles_publication_change", args=[publication.pk]),
            reverse("admin:articles_publication_remove", args=[publication.pk]),
            reverse("admin:articles_notification_changelist"),
        ]

    def test_requests_set_no_attribute_on_any_admin(self):
        before = self.snapshot()

        for user in (self.editor, self.writer):
            self.client.force_login(user)
            for url in self.pages():
                with self.subTest(user=user.username, url=url):
                    self.assertIn(self.client.get(url).status_code, (200, 403))
            self.client.post(
                reverse("admin:articles_article_change", args=[self.article.pk]),
                change_form_data(self.article, title="Fact check: Renamed?"),
            )

        self.assertEqual(self.snapshot(), before)

    def test_remove_link_follows_each_requests_own_permission(self):
        url = reverse("admin:articles_publication_change", args=[self.publication.pk])
        remove = reverse(
            "admin:articles_publication_remove", args=[self.publication.pk]
        )

        self.client.force_login(self.editor)
        self.assertContains(self.client.get(url), remove)
        self.client.force_login(self.writer)
        response = self.client.get(url)

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, remove)
