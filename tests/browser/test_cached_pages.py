"""
Lists of fact checks as readers see them, and the donation banner joined
into pages as they are served: a fundraiser's change shows on the reader's
next visit, while the page itself stays in the page cache.
"""

import pytest

from tests.articles.factories import TopicFactory, build_article, edit_summary
from tests.articles.factories import publish_approved as publish
from tests.donations.factories import BannerMessageFactory, CampaignFactory, fundraiser

from .steps import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listed():
    topic = TopicFactory(name="Elections", slug="elections")
    for number in range(3):
        article = build_article(
            title=f"Fact check: Were the ballots in ward {number} counted twice?",
            slug=f"ward-{number}",
        )
        article.topics.add(topic)
        publish(article=article, kind="first")
    edit_summary(article, "One batch was counted twice.")
    publish(article=article, kind="correction", note="One batch was counted twice.")
    return topic


def test_lists_of_fact_checks(page, listed):
    for path, name in (
        ("/", "list-home"),
        (listed.get_absolute_url(), "list-topic"),
        ("/corrections/", "list-corrections"),
    ):
        response = page.visit(path)
        assert response.status == 200
        assert page.locator("main h2").first.is_visible()
        page.screenshot(name)
    assert page.locator(".corrections-log__item").count() == 1
    assert page.errors == []


def test_a_banner_change_shows_on_the_cached_home_page(page_factory, listed, roles):
    campaign = CampaignFactory(is_current=True, name="Winter drive")
    message = BannerMessageFactory(campaign=campaign, headline="Keep us independent")
    # Each visit from a browser of its own: a browser keeps a page for its
    # max-age and would not ask again.
    page_factory().visit("/")
    reader = page_factory()
    response = reader.visit("/")
    assert response.headers["x-page-cache"] == "hit"
    assert reader.locator(".donation-banner__headline").first.inner_text() == (
        "Keep us independent"
    )

    staff = page_factory()
    log_in(staff, fundraiser())
    staff.visit(f"/admin/donations/bannermessage/{message.pk}/change/")
    staff.fill("#id_headline", "Readers keep us going")
    staff.click("input[name=_save]")
    staff.wait_for_url("**/admin/donations/bannermessage/")

    reader = page_factory()
    response = reader.visit("/")
    assert response.headers["x-page-cache"] == "hit"
    assert reader.locator(".donation-banner__headline").first.inner_text() == (
        "Readers keep us going"
    )
    reader.screenshot("home-banner-changed-while-cached")
    assert reader.errors == []
