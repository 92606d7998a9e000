"""
No silent lost updates: two people open the same change form, one saves,
and the other's save from the stale form is refused, naming who changed it
and when, and changes nothing; ticking “Save my version anyway” saves it.
One mechanism for every editable model (factually.edit_conflicts.EditConflictForm);
the fact check's own conflict tests are in tests/articles/test_admin.py.
"""

import time
from html.parser import HTMLParser
from unittest import mock

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import F
from django.test import Client, TestCase, TransactionTestCase
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Author, Page, Topic
from donations.admin import CampaignAdmin
from donations.models import BannerMessage, Campaign, Donation, Supporter
from sources.models import Source
from tests.articles.factories import (
    AuthorFactory,
    TopicFactory,
    build_article,
    create_about_pages,
)
from tests.donations.factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
    SupporterFactory,
)
from tests.donations.test_concurrency import in_threads, needs_postgresql
from tests.roles import UserFactory, create_roles, staff
from tests.sources.factories import SourceFactory


class FormReader(HTMLParser):
    """What a browser would post from a page's change form, as POST data."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self.select = None
        self.textarea = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.add(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:
                # Browsers drop the newline that starts a textarea.
                value = self.data[self.textarea][-1]
                self.data[self.textarea][-1] = value.removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.inside = False


def opened_form(client, url, model):
    """Open the change form at `url`: the data its Save button would post."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    reader = FormReader(f"{model._meta.model_name}_form")
    reader.feed(response.content.decode())
    return {
        name: values if len(values) > 1 else values[0]
        for name, values in reader.data.items()
    }


class EditConflictTestCase(TestCase):
    """One model's change form, opened by two people who both save."""

    model = None
    role = None  # The group of both people; None for superusers.
    field = None  # What each changes, and the values they type.
    mine = "Saved first"
    theirs = "Saved from the stale form"
    # What else each save posts, e.g. the note a change to an about page needs.
    also = {}

    @classmethod
    def setUpTestData(cls):
        create_roles()
        if cls.role is None:
            cls.first = UserFactory(username="first", is_staff=True, is_superuser=True)
            cls.second = UserFactory(
                username="second", is_staff=True, is_superuser=True
            )
        else:
            cls.first = staff(cls.role, username="first")
            cls.second = staff(cls.role, username="second")

    def make(self):
        raise NotImplementedError

    def url(self, obj):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
        )

    def open_twice(self):
        obj = self.make()
        self.client.force_login(self.first)
        first = opened_form(self.client, self.url(obj), self.model)
        self.client.force_login(self.second)
        second = opened_form(self.client, self.url(obj), self.model)
        self.client.force_login(self.first)
        response = self.client.post(
            self.url(obj), {**first, self.field: self.mine, **self.also}
        )
        self.assertEqual(response.status_code, 302, "the first save went through")
        self.client.force_login(self.second)
        return obj, {**second, self.field: self.theirs, **self.also}

    def value(self, obj):
        obj.refresh_from_db()
        return getattr(obj, self.field)

    def versions(self, obj):
        if not reversion.is_registered(self.model):
            return None
        return Version.objects.get_for_object(obj).count()

    def check_refused_and_overridden(self):
        obj, stale = self.open_twice()
        saved = self.value(obj)
        versions = self.versions(obj)

        response = self.client.post(self.url(obj), stale)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Changed by first at")
        self.assertContains(response, "your changes were not saved")
        self.assertContains(response, "Save my version anyway")
        self.assertEqual(self.value(obj), saved, "the stale form changed nothing")
        self.assertEqual(self.versions(obj), versions)

        response = self.client.post(self.url(obj), {**stale, "overwrite": "on"})

        self.assertEqual(response.status_code, 302)
        self.assertEqual(str(self.value(obj)), str(self.theirs))


class SourceConflictTests(EditConflictTestCase):
    model, role, field = Source, "Editor", "title"

    def make(self):
        with reversion.create_revision():
            return SourceFactory()

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()


class TopicConflictTests(EditConflictTestCase):
    model, role, field = Topic, "Editor", "name"

    def make(self):
        return TopicFactory()

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()


class AuthorConflictTests(EditConflictTestCase):
    model, role, field = Author, "Editor", "role"

    def make(self):
        return AuthorFactory()

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()


class PageConflictTests(EditConflictTestCase):
    model, role, field = Page, "Editor", "lede"
    also = {"change_note": "Rewrote the lede."}

    def make(self):
        create_about_pages()
        return Page.objects.first()

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()


class CampaignConflictTests(EditConflictTestCase):
    model, role, field = Campaign, "Fundraising", "goal"
    mine, theirs = 1200, 900

    def make(self):
        return CampaignFactory(goal=1000)

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()

    def test_stale_form_changing_another_field_does_not_put_the_goal_back(self):
        obj, stale = self.open_twice()
        stale.update(goal=1000, name="Renamed from the stale form")

        response = self.client.post(self.url(obj), stale)

        self.assertContains(response, "Changed by first at")
        obj.refresh_from_db()
        self.assertEqual(obj.goal, 1200)
        self.assertNotEqual(obj.name, "Renamed from the stale form")

    def test_conflict_box_shows_theirs_and_yours(self):
        obj, stale = self.open_twice()

        response = self.client.post(self.url(obj), stale)

        self.assertContains(response, "What changed since you opened this page")
        self.assertContains(
            response,
            '<tr><th scope="row">Goal</th><td>1200</td><td>900</td></tr>',
            html=True,
        )

    def test_resubmitting_the_stale_form_is_still_refused(self):
        obj, stale = self.open_twice()
        self.client.post(self.url(obj), stale)

        response = self.client.post(self.url(obj), stale)

        self.assertContains(response, "your changes were not saved")
        self.assertEqual(self.value(obj), 1200)

    def test_a_fresh_form_saves_without_a_conflict(self):
        obj, _stale = self.open_twice()
        fresh = opened_form(self.client, self.url(obj), Campaign)

        response = self.client.post(self.url(obj), {**fresh, "goal": 1500})

        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.value(obj), 1500)


class BannerMessageConflictTests(EditConflictTestCase):
    model, role, field = BannerMessage, "Fundraising", "headline"

    def make(self):
        return BannerMessageFactory()

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()

    def test_readers_views_and_clicks_neither_block_a_save_nor_are_lost(self):
        banner = self.make()
        self.client.force_login(self.first)
        data = opened_form(self.client, self.url(banner), BannerMessage)
        BannerMessage.objects.filter(pk=banner.pk).update(
            views=F("views") + 7, clicks=F("clicks") + 2
        )

        response = self.client.post(self.url(banner), {**data, "headline": "New"})

        self.assertEqual(response.status_code, 302)
        banner.refresh_from_db()
        self.assertEqual((banner.headline, banner.views, banner.clicks), ("New", 7, 2))


class DonationConflictTests(EditConflictTestCase):
    model, role, field = Donation, "Fundraising", "note"

    def make(self):
        return DonationFactory()

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()

    def test_a_refund_recorded_meanwhile_is_not_undone_by_a_stale_form(self):
        donation = self.make()
        self.client.force_login(self.first)
        data = opened_form(self.client, self.url(donation), Donation)
        refunded_at = timezone.now()
        # As the charge.refunded webhook records it: no admin save, no revision.
        Donation.objects.filter(pk=donation.pk).update(refunded_at=refunded_at)

        response = self.client.post(self.url(donation), {**data, "note": "A note"})

        self.assertContains(response, "outside this form")
        self.assertContains(response, "your changes were not saved")
        donation.refresh_from_db()
        self.assertEqual(donation.refunded_at, refunded_at)
        self.assertEqual(donation.note, "")


class SupporterConflictTests(EditConflictTestCase):
    model, role, field = Supporter, "Fundraising", "display_name"

    def make(self):
        return SupporterFactory(
            display_name="Ana", display_name_consented_at=timezone.now()
        )

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()


class GroupConflictTests(EditConflictTestCase):
    model, role, field = Group, None, "name"

    def make(self):
        return Group.objects.create(name="Interns")

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()


class UserConflictTests(EditConflictTestCase):
    model, role, field = get_user_model(), None, "first_name"

    def make(self):
        return UserFactory(username="ana", is_staff=True)

    def test_stale_save_is_refused_until_overridden(self):
        self.check_refused_and_overridden()


@needs_postgresql
class ConcurrentSaveTests(TransactionTestCase):
    """Two stale forms posted at the same moment, each on its own connection."""

    def test_of_two_saves_at_once_from_one_version_only_one_goes_through(self):
        create_roles()
        users = [staff("Fundraising", username=name) for name in ("ana", "ben")]
        campaign = CampaignFactory(goal=1000)
        url = reverse("admin:donations_campaign_change", args=[campaign.pk])
        client = Client()
        client.force_login(users[0])
        opened = opened_form(client, url, Campaign)
        save_model = CampaignAdmin.save_model

        def slow_save(admin, request, obj, form, change):
            save_model(admin, request, obj, form, change)
            time.sleep(0.5)  # Hold the row while the other save arrives.

        def post(index):
            client = Client()
            client.force_login(users[index])
            return client.post(url, {**opened, "goal": str(1100 + index)})

        with mock.patch.object(CampaignAdmin, "save_model", slow_save):
            responses = in_threads(2, post)

        self.assertEqual(sorted(r.status_code for r in responses), [200, 302])
        refused = next(r for r in responses if r.status_code == 200)
        self.assertContains(refused, "while you were editing")
        campaign.refresh_from_db()
        saved = next(i for i, r in enumerate(responses) if r.status_code == 302)
        self.assertEqual(campaign.goal, 1100 + saved)


class TokenRenderingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_roles()

    def test_article_and_campaign_forms_carry_one_token_each(self):
        superuser = UserFactory(is_staff=True, is_superuser=True)
        self.client.force_login(superuser)
        article = build_article()
        campaign = CampaignFactory()
        for url in (
            reverse("admin:articles_article_change", args=[article.pk]),
            reverse("admin:donations_campaign_change", args=[campaign.pk]),
        ):
            with self.subTest(url=url):
                content = self.client.get(url).content.decode()
                self.assertEqual(content.count('name="edit_token"'), 1)
                self.assertNotIn('name="overwrite"', content)

    def test_a_writers_token_is_an_editors_token(self):
        article = build_article()
        tokens = []
        for role in ("Writer", "Editor"):
            self.client.force_login(staff(role, username=f"{role}-2"))
            response = self.client.get(
                reverse("admin:articles_article_change", args=[article.pk])
            )
            tokens.append(response.context["adminform"].form["edit_token"].value())

        self.assertEqual(tokens[0], tokens[1])
