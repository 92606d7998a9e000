"""
Staff without rights learn nothing from an admin URL about which ids exist:
for every admin view taking an object id (every registered admin's, ours
and other packages', and the "view on site" redirect), each role gets the
same status and body for an existing id as for a missing one whenever it
may not see the object (no rights on its model, or not on that object).
"""

import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import RequestFactory, TestCase
from django.urls import URLPattern, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from reversion.models import Version

from articles.models import Article, Notification, Page, ReaderQuestion, Topic
from audit.models import AuditEntry

# A module, not the class: pytest would take a class named Test… for tests.
from donations import models as donations_models
from donations.models import (
    BannerMessage,
    Campaign,
    GivingMethod,
    Organisation,
    OutgoingEmail,
    WebhookEvent,
)
from factually.admin import ObjectAccessMixin
from sources.models import Source
from tests.articles.factories import (
    AuthorFactory,
    TopicFactory,
    build_article,
    create_about_pages,
    published_article,
)
from tests.donations.factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
    GivingMethodFactory,
    OrganisationFactory,
    SupporterTestimonialFactory,
)
from tests.donations.pledges import MatchingPledgeFactory
from tests.roles import UserFactory, create_roles, staff
from tests.sources.factories import SourceFactory

MISSING = 987654321


def versioned(factory, **fields):
    with reversion.create_revision():
        return factory(**fields)


def deleted_version(model, factory, **fields):
    """The version of an object of `model` deleted since, as recover views list."""
    obj = versioned(factory, **fields)
    obj.delete()
    return Version.objects.get_deleted(model).first()


def object_urls(model_admin):
    """(name, number of ids) of the admin's URL patterns that take ids."""
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        converters = getattr(pattern.pattern, "converters", None)
        count = len(converters) if converters else pattern.pattern.regex.groups
        if count:
            yield pattern.name, count


class AdminObjectAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()
        create_about_pages()
        cls.roles = {
            "staff without a role": UserFactory(is_staff=True),
            "Writer": staff("Writer"),
            "Editor": staff("Editor"),
            "Fundraising": staff("Fundraising"),
        }
        editor = cls.roles["Editor"]
        with reversion.create_revision():
            article = build_article()
            page = Page.objects.first()
            page.save()
        donation = DonationFactory()
        cls.objects = {
            Article: article,
            Page: page,
            Source: versioned(SourceFactory),
            Campaign: versioned(CampaignFactory),
            BannerMessage: versioned(BannerMessageFactory),
            GivingMethod: versioned(GivingMethodFactory),
            Organisation: versioned(OrganisationFactory),
            donations_models.MatchingPledge: versioned(MatchingPledgeFactory),
            donations_models.Testimonial: versioned(SupporterTestimonialFactory),
            Notification: Notification.objects.create(
                recipient=editor, article=article, message="For the editor", url="/"
            ),
            ReaderQuestion: ReaderQuestion.objects.create(
                claim="A claim", seen_at="A post"
            ),
            WebhookEvent: WebhookEvent.objects.create(
                event_id="evt_1",
                type="charge.refunded",
                livemode=False,
                occurred_at=timezone.now(),
                outcome="ok",
            ),
            OutgoingEmail: OutgoingEmail.objects.create(
                kind="receipt", reference="r1", donation=donation
            ),
            AuditEntry: AuditEntry.objects.record(
                area=AuditEntry.Area.FUNDRAISING, action="test", message="An entry"
            ),
            Group: Group.objects.get(name="Writer"),
            DBTaskResult: DBTaskResult.objects.create(
                args_kwargs={},
                task_path="x.y",
                backend_name="default",
                run_after=timezone.now(),
                exception_class_path="",
                traceback="",
            ),
        }
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            extra = (
                {"get_data": "", "post_data": "", "failures_since_start": 1}
                if model is AccessAttempt
                else {}
            )
            cls.objects[model] = model.objects.create(
                user_agent="x", http_accept="x", path_info="/admin/login/", **extra
            )
        cls.objects[Article.publications.rel.related_model] = (
            published_article().publications.get()
        )
        cls.deleted = {
            Article: deleted_version(Article, build_article),
            Source: deleted_version(Source, SourceFactory),
            Campaign: deleted_version(Campaign, CampaignFactory),
            BannerMessage: deleted_version(BannerMessage, BannerMessageFactory),
            GivingMethod: deleted_version(GivingMethod, GivingMethodFactory),
            Organisation: deleted_version(Organisation, OrganisationFactory),
            donations_models.MatchingPledge: deleted_version(
                donations_models.MatchingPledge, MatchingPledgeFactory
            ),
            donations_models.Testimonial: deleted_version(
                donations_models.Testimonial, SupporterTestimonialFactory
            ),
        }
        for factory in (TopicFactory, AuthorFactory):
            obj = versioned(factory)
            cls.objects[type(obj)] = obj
            cls.deleted[type(obj)] = deleted_version(type(obj), factory)
        cls.objects[donation.supporter._meta.model] = donation.supporter
        cls.objects[type(donation)] = donation

    def existing(self, model, name, count):
        """The ids of an existing object (or version) for URL `name`."""
        obj = self.objects.get(model) or model._default_manager.first()
        if name.endswith("_recover"):
            version = self.deleted.get(model)
            return [version.pk if version else MISSING - 1]
        if name.endswith("_revision"):
            version = Version.objects.get_for_object(obj).first()
            return [obj.pk, version.pk if version else MISSING - 1]
        return [obj.pk] * count

    def response(self, user, method, url):
        self.client.force_login(user)
        with transaction.atomic():
            response = getattr(self.client, method)(url)
            transaction.set_rollback(True)  # Whatever a POST did.
        return response

    def answer(self, response, url):
        """What a response tells: status, where it leads, and its body."""
        return (
            response.status_code,
            response.get("Location", "").replace(url, "<url>"),
            response.content.decode(errors="replace").replace(url, "<url>"),
        )

    def leaks(self, role):
        user = self.roles[role]
        request = RequestFactory().get("/admin/")
        request.user = user
        found = []
        checked = 0
        for model, model_admin in admin.site._registry.items():
            obj = self.objects.get(model) or model._default_manager.first()
            self.assertIsNotNone(obj, f"no {model._meta.label} to try")
            if model_admin.has_view_or_change_permission(request, obj):
                continue  # Existence is no secret to whoever may see it.
            info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            names = [*object_urls(model_admin), ("view_on_site", 2)]
            for name, count in names:
                if name == "view_on_site":
                    ct = ContentType.objects.get_for_model(model).pk
                    urls = (
                        reverse("admin:view_on_site", args=[ct, obj.pk]),
                        reverse("admin:view_on_site", args=[ct, MISSING]),
                    )
                else:
                    urls = (
                        reverse(
                            f"admin:{name}", args=self.existing(model, name, count)
                        ),
                        reverse(f"admin:{name}", args=[MISSING] * count),
                    )
                for method in ("get", "post"):
                    there = self.response(user, method, urls[0])
                    missing = self.response(user, method, urls[1])
                    checked += 1
                    if self.answer(there, urls[0]) != self.answer(missing, urls[1]):
                        found.append(
                            f"{method.upper()} {urls[0]}: {there.status_code}, "
                            f"missing id: {missing.status_code}"
                        )
            self.assertTrue(names, info)
        self.assertGreater(checked, 20)
        return found

    def test_staff_without_a_role_learn_nothing_from_ids(self):
        self.assertEqual(self.leaks("staff without a role"), [])

    def test_writers_learn_nothing_from_ids(self):
        self.assertEqual(self.leaks("Writer"), [])

    def test_editors_learn_nothing_from_ids(self):
        self.assertEqual(self.leaks("Editor"), [])

    def test_fundraisers_learn_nothing_from_ids(self):
        self.assertEqual(self.leaks("Fundraising"), [])

    def test_every_admin_looks_objects_up_through_the_guard(self):
        unguarded = [
            model._meta.label
            for model, model_admin in admin.site._registry.items()
            if not isinstance(model_admin, ObjectAccessMixin)
        ]
        self.assertEqual(unguarded, [])

    def test_fundraiser_is_refused_an_article_history_whether_or_not_it_exists(self):
        self.client.force_login(self.roles["Fundraising"])
        article = self.objects[Article]

        there = self.client.get(
            reverse("admin:articles_article_history", args=[article.pk])
        )
        missing = self.client.get(
            reverse("admin:articles_article_history", args=[MISSING])
        )

        self.assertEqual(there.status_code, 403)
        self.assertEqual(missing.status_code, 403)
        self.assertEqual(there.content, missing.content)

    def test_view_on_site_does_not_send_a_fundraiser_to_a_draft(self):
        self.client.force_login(self.roles["Fundraising"])
        article = self.objects[Article]
        ct = ContentType.objects.get_for_model(Article).pk

        response = self.client.get(reverse("admin:view_on_site", args=[ct, article.pk]))

        self.assertEqual(response.status_code, 403)
        self.assertNotIn(article.slug, response.get("Location", ""))

    def test_editor_still_goes_to_the_public_page_from_the_admin(self):
        self.client.force_login(self.roles["Editor"])
        topic = self.objects[Topic]
        ct = ContentType.objects.get_for_model(topic).pk

        response = self.client.get(reverse("admin:view_on_site", args=[ct, topic.pk]))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].endswith(topic.get_absolute_url()))
