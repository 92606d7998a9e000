import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_home_page_renders_without_console_errors(request, width):
    page = request.getfixturevalue("phone_page" if width == "phone" else "page")

    response = page.visit("/")

    assert response.status == 200
    assert page.locator("h1").first.is_visible()
    assert page.locator("main#main").count() == 1
    # Nothing wider than the viewport: no sideways scrolling on a phone.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.screenshot(f"home-{width}")
    assert page.errors == []


def test_inlined_styles_apply_under_the_content_security_policy(phone_page):
    from tests.donations.factories import CampaignFactory

    CampaignFactory(is_current=True)

    response = phone_page.visit("/")

    assert "style-src 'self' 'sha256-" in response.headers["content-security-policy"]
    # site.css: the page's paper colour; donations.css: the banner's.
    background = "getComputedStyle(document.querySelector(%r)).backgroundColor"
    assert phone_page.evaluate(background % "body") == "rgb(251, 250, 247)"
    assert phone_page.evaluate(background % ".donation-banner") == "rgb(255, 246, 220)"
    phone_page.screenshot("home-inlined-styles-phone", full_page=False)
    # A style the policy refused would be a console error.
    assert phone_page.errors == []


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.visit("/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_admin_can_log_in(page):
    get_user_model().objects.create_superuser(
        "chief", "chief@example.com", "a-long-test-password"
    )

    page.visit("/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")

    page.wait_for_url("**/admin/")
    assert page.locator("h1").inner_text() == "Newsroom"
    assert page.locator("#user-tools strong").text_content() == "chief"
    page.screenshot("admin-index")
    assert page.errors == []
