from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import timezone

from tests.donations.factories import CampaignFactory
from tests.roles import UserFactory

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


def log_in(page, username):
    page.visit("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_a_stale_campaign_form_is_refused_with_who_changed_what(page_factory, roles):
    for name in ("ana", "ben"):
        user = UserFactory(username=name, is_staff=True)
        user.groups.add(Group.objects.get(name="Fundraising"))
    starts_at = timezone.now().replace(microsecond=0)  # As the form shows it.
    campaign = CampaignFactory(
        name="Spring drive",
        goal=1000,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=30),
    )
    url = f"/admin/donations/campaign/{campaign.pk}/change/"
    ana, ben = page_factory(), page_factory()
    log_in(ana, "ana")
    log_in(ben, "ben")
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
