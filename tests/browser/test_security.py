import pytest
from django.contrib.auth.models import Group
from django.test import override_settings

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
