"""
Readers in the loop, in Chromium: search with highlights and "did you mean",
the ask form and its thank-you, the triage list, the verdict box and the
phone outline, sharing, the social card, and admin answer suggestions.
"""

from urllib.parse import urlencode

import pytest
from django.db import connection

from articles.models import ReaderQuestion
from articles.readers import asking
from tests.articles.factories import (
    ClaimFactory,
    RelatedQuestionFactory,
    approve_as_is,
    build_article,
    published_article,
)

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.articles.search_fixture import load_search_fixture
from tests.roles import staff

from .conftest import SCREENSHOTS
from .steps import log_in

pytestmark = pytest.mark.django_db(transaction=True)
ON_POSTGRESQL = connection.vendor == "postgresql"


def test_search_results_with_highlights(page):
    load_search_fixture()
    # SQLite's fallback needs every word; PostgreSQL ranks a whole question.
    query = (
        "Did the recount change who won the election?"
        if ON_POSTGRESQL
        else "recount county"
    )
    page.visit("/search/?" + urlencode({"q": query}))
    first = page.locator(".result").first
    assert "recount" in first.locator("h3").inner_text().lower()
    if ON_POSTGRESQL:
        assert first.locator("mark").count() >= 2
        assert first.locator(".result__snippet mark").count() >= 1
    page.screenshot("search-results")

    page.visit("/search/?q=vacine+autsm")
    if ON_POSTGRESQL:
        suggestion = page.locator(".did-you-mean a")
        assert suggestion.inner_text() == "vaccine autism"
        page.screenshot("search-did-you-mean")
        suggestion.click()
        page.wait_for_load_state("load")
        assert "measles" in page.locator(".result h3").first.inner_text().lower()
    else:
        assert page.locator(".ask-prompt a").is_visible()
    page.visit("/search/?q=water&topic=climate&rating=mostly-false")
    page.screenshot("search-filters")
    assert page.locator("#id_topic").input_value() == "climate"
    assert page.errors == []


def test_ask_form_errors_then_thanks(phone_page):
    page = phone_page
    page.visit("/ask/?claim=The+mayor+said+the+bridge+money+was+stolen.")
    assert "bridge money" in page.locator("#id_claim").input_value()
    trap = page.locator("#id_website").bounding_box()
    assert trap["x"] + trap["width"] <= 0  # Off-screen: people never see it.
    page.fill("#id_seen_at", "Local radio phone-in, Monday morning")
    page.fill("#id_email", "reader@example.com")
    with page.expect_navigation():
        page.click(".ask-form button[type=submit]")
    page.screenshot("ask-form-error")
    assert (
        "Tick the box" in page.locator(".ask-form__consent .field-error").inner_text()
    )
    assert not ReaderQuestion.objects.exists()

    page.check("#id_consent")
    page.screenshot("ask-form")
    page.click(".ask-form button[type=submit]")
    page.wait_for_url("**/ask/thanks/")
    assert "we have your claim" in page.locator("h1").inner_text()
    page.screenshot("ask-thanks")
    question = ReaderQuestion.objects.get()
    assert question.email == "reader@example.com" and question.consent
    # The refused submission answered 400, which the console reports.
    assert [e for e in page.errors if "status of 400" not in e] == []


def test_triage_list_and_accept(page, roles):
    for claim in [
        "The mayor said the bridge money was stolen.",
        "A video claims 5G masts spread disease in our town.",
        "Our MP said crime doubled in the city last year.",
    ]:
        asking.submit(claim=claim, email="a@example.com", consent=True)
    writer = staff("Writer", "wendy")
    asking.decline(
        question=ReaderQuestion.objects.get(claim__startswith="A video"), user=writer
    )
    log_in(page, writer)
    page.visit("/admin/articles/readerquestion/")
    page.screenshot("triage-list")
    row = page.locator("tr", has_text="bridge money")
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "accept")
    page.click("button[name=index]")
    page.wait_for_load_state("load")
    assert "1 question accepted" in page.locator(".messagelist").inner_text()
    page.screenshot("triage-accepted")
    question = ReaderQuestion.objects.get(claim__startswith="The mayor")
    assert question.status == "accepted" and question.fact_check is not None
    assert page.errors == []


@pytest.fixture
def rated():
    article = build_article(
        title="Fact check: Did the recount change the result of the county election?",
        sections=4,
        citations=2,
        claims=0,
    )
    ClaimFactory(
        article=article,
        position=1,
        statement="The recount flipped the county to the challenger.",
        claimant="A campaign advert",
    )
    ClaimFactory(
        article=article,
        position=2,
        statement="Observers were kept out of the counting room.",
        claimant="A viral post",
        rating="mostly-false",
    )
    approve_as_is(article)
    publish(article=article, kind="first")
    return article


def test_verdict_box_on_desktop(page, rated):
    page.visit(rated.get_absolute_url())
    box = page.locator(".verdict")
    assert box.is_visible()
    assert not page.locator("details.outline").is_visible()
    assert page.locator(".article-aside .toc").is_visible()
    page.screenshot("verdict-page", full_page=False)
    box.screenshot(path=str(SCREENSHOTS / "verdict-box.png"))
    box.locator("a", has_text="Observers were kept out").click()
    page.wait_for_url("**#claim-2")
    assert page.errors == []


def test_phone_outline_and_copy_link(phone_page, rated):
    page = phone_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.visit(rated.get_absolute_url())
    outline = page.locator("details.outline")
    assert outline.is_visible()
    assert not page.locator(".article-aside").is_visible()
    assert not outline.locator("ol").is_visible()
    page.screenshot("phone-outline-closed", full_page=False)
    outline.locator("summary").click()
    assert outline.locator("ol").is_visible()
    page.screenshot("phone-outline-open", full_page=False)
    outline.locator("a", has_text="Sources").click()
    page.wait_for_url("**#sources")

    page.locator(".share").scroll_into_view_if_needed()
    page.locator("[data-copy-link]").click()
    from playwright.sync_api import expect

    expect(page.locator(".share__status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()").endswith(
        rated.get_absolute_url()
    )
    page.locator(".share").screenshot(path=str(SCREENSHOTS / "share-links.png"))
    assert page.errors == []


def test_social_card(page, rated):
    publication = rated.live_publication()
    page.visit(rated.get_absolute_url())
    image = page.locator("meta[property='og:image']").get_attribute("content")
    assert image.endswith(publication.social_card.name)
    assert (
        page.locator("meta[name='twitter:card']").get_attribute("content")
        == "summary_large_image"
    )
    # Served by the app from the database, as readers' apps fetch it.
    page.set_viewport_size({"width": 1200, "height": 630})
    page.visit(publication.social_card.url)
    size = page.evaluate(
        "[document.images[0].naturalWidth, document.images[0].naturalHeight]"
    )
    assert size == [1200, 630]
    page.screenshot("social-card", full_page=False)


def test_admin_suggests_answers_for_related_questions(page, roles):
    answer = published_article(title="Fact check: Who pays for a recount?")
    article = build_article(title="Fact check: Did the recount change the result?")
    RelatedQuestionFactory(
        article=article, position=1, question="Who pays for the recount?"
    )
    log_in(page, staff("Writer", "wendy"))
    page.visit(f"/admin/articles/article/{article.pk}/change/")
    page.locator(".related-suggestions__ask").first.click()
    link = page.locator(".related-suggestions__link").first
    link.wait_for()
    assert (
        "Who pays for a recount?"
        in page.locator(".related-suggestions li").first.inner_text()
    )
    link.click()
    assert (
        "save to keep it"
        in page.locator(".related-suggestions [role=status]").inner_text()
    )
    page.locator(".related-suggestions").first.scroll_into_view_if_needed()
    page.screenshot("admin-related-suggestions", full_page=False)
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    assert article.related_questions.get().answer == answer
    assert page.errors == []
