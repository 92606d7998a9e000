from datetime import timedelta

import pytest
import reversion
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Topic
from tests.articles.factories import TopicFactory, build_article
from tests.browser.steps import log_in
from tests.donations.factories import CampaignFactory
from tests.roles import UserFactory, staff
from tests.test_revisions import saved_revision, tamper

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_a_locked_out_login_explains_the_pause_even_with_the_right_password(
    page, roles
):
    user = UserFactory(username="fundraiser", is_staff=True)
    user.groups.add(Group.objects.get(name="Fundraising"))

    for attempt in range(5):
        page.visit("/admin/login/")
        page.fill("#id_username", "fundraiser")
        page.fill("#id_password", f"wrong-{attempt}")
        page.click("input[type=submit]")
    page.visit("/admin/login/")
    page.fill("#id_username", "fundraiser")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")

    assert page.locator("h1").inner_text() == "Too many failed logins"
    assert "Try again in 15 minutes." in page.locator(".errornote").inner_text()
    assert page.locator("#user-tools").count() == 0  # Not logged in.
    page.screenshot("admin-lockout")
    # The browser logs the 429 status itself; nothing else may go wrong.
    assert [error for error in page.errors if "status of 429" not in error] == []


def test_reverting_across_a_schema_change_is_refused_with_the_fields_named(page, roles):
    editor = staff("Editor")
    article = build_article(title="Fact check: The old question?")
    old = saved_revision(article)
    article.title = "Fact check: The current question?"
    with reversion.create_revision():
        article.save()
    tamper(old, rename=("title", "headline"))
    topic = TopicFactory(name="Old topic")
    old_topic = saved_revision(topic)
    topic.name = "Current topic"
    saved_revision(topic)
    tamper(old_topic, remove="description")
    versions = Version.objects.count()

    log_in(page, editor)
    page.visit(f"/admin/articles/article/{article.pk}/history/")
    page.locator(f"a[href$='/history/{old.pk}/']").click()
    page.wait_for_load_state("load")

    message = page.locator(".messagelist .error").inner_text()
    assert message.startswith("Nothing was changed")
    assert "Fact check: the revision lacks “title”" in message
    assert "has “headline”, which no longer exists" in message
    assert page.url.endswith(f"/admin/articles/article/{article.pk}/history/")
    page.screenshot("admin-revert-refused-article")

    page.visit(f"/admin/articles/topic/{topic.pk}/history/")
    page.locator(f"a[href$='/history/{old_topic.pk}/']").click()
    page.wait_for_load_state("load")

    message = page.locator(".messagelist .error").inner_text()
    assert "Topic: the revision lacks “description”" in message
    page.screenshot("admin-revert-refused-topic")
    assert Article.objects.get(pk=article.pk).title == (
        "Fact check: The current question?"
    )
    assert Topic.objects.get(pk=topic.pk).name == "Current topic"
    assert Version.objects.count() == versions
    assert page.errors == []


def test_a_stale_campaign_form_is_refused_with_who_changed_what(page_factory, roles):
    users = {}
    for name in ("ana", "ben"):
        users[name] = UserFactory(username=name, is_staff=True)
        users[name].groups.add(Group.objects.get(name="Fundraising"))
    starts_at = timezone.now().replace(microsecond=0)  # As the form shows it.
    campaign = CampaignFactory(
        name="Spring drive",
        goal=1000,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=30),
    )
    url = f"/admin/donations/campaign/{campaign.pk}/change/"
    ana, ben = page_factory(), page_factory()
    log_in(ana, users["ana"])
    log_in(ben, users["ben"])
    ana.visit(url)
    ben.visit(url)

    ana.fill("#id_goal", "1200")
    ana.click("input[name=_save]")
    ana.wait_for_url("**/admin/donations/campaign/")
    ben.fill("#id_name", "Spring drive for readers")
    ben.click("input[name=_save]")
    ben.wait_for_load_state("load")

    error = ben.locator(".errornote, .errorlist.nonfield").all_inner_texts()
    assert any("Changed by ana at" in text for text in error), error
    box = ben.locator(".stale-changes")
    assert "1200" in box.inner_text()
    ben.screenshot("admin-edit-conflict")
    campaign.refresh_from_db()
    assert (campaign.name, campaign.goal) == ("Spring drive", 1200)

    box.get_by_label("Save my version anyway").check()
    ben.click("input[name=_save]")
    ben.wait_for_url("**/admin/donations/campaign/")
    campaign.refresh_from_db()
    assert campaign.name == "Spring drive for readers"
    assert ana.errors == [] and ben.errors == []
