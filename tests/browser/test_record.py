"""The public record as a reader sees it: corrections, changes, the log, funding."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Claim
from tests.articles.factories import create_about_pages, edit_summary, published_article

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish

pytestmark = pytest.mark.django_db(transaction=True)


def corrected_article():
    now = timezone.now()
    article = published_article(
        slug="observers",
        title="Fact check: How many observers watched the recount?",
        summary="About 150 observers watched the recount [1].",
        claims=1,
        published_at=now - datetime.timedelta(days=9),
    )
    article.summary = "About 200 observers watched the recount [1]."
    article.save()
    publish(
        article=article,
        kind="correction",
        note="Corrected the number of observers from 150 to 200.",
        published_at=now - datetime.timedelta(days=5),
    )
    Claim.objects.filter(article=article).update(rating="mostly-false")
    edit_summary(article, "The county's log confirms it.")
    publish(
        article=article,
        kind="correction",
        note="Rated the claim Mostly false after the county released its log.",
        published_at=now - datetime.timedelta(days=2),
    )
    return article


def test_article_with_two_corrections_and_its_changes(page, phone_page):
    corrected_article()

    page.visit("/fact-checks/observers/")
    notice = page.locator(".corrections-notice")
    entries = page.locator(".corrections-notice > ul > li")
    assert entries.count() == 2
    assert "Rated the claim Mostly false" in entries.first.inner_text()
    # Each entry lists the ratings it changed.
    assert "rated False, now Mostly false" in " ".join(
        entries.first.inner_text().split()
    )
    page.screenshot("record-article-two-corrections")

    notice.locator("a", has_text="See what changed").first.click()
    page.wait_for_url("**/versions/3/changes/")
    assert page.locator("#ratings-heading").is_visible()
    assert page.locator("ins", has_text="Mostly false").count() >= 1
    page.screenshot("record-changes-page")

    page.visit("/fact-checks/observers/versions/1/")
    assert "This is version 1" in page.locator(".notice--version").inner_text()
    page.screenshot("record-version-1")

    phone_page.visit("/fact-checks/observers/versions/2/changes/")
    phone_page.screenshot("record-changes-page-phone")
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert page.errors == [] and phone_page.errors == []


def test_corrections_log(page):
    corrected_article()
    create_about_pages()

    page.visit("/about/corrections/")
    page.locator("a", has_text="corrections log").click()
    page.wait_for_url("**/corrections/")
    assert page.locator(".corrections-log__item").count() == 2
    page.screenshot("record-corrections-log")
    assert page.errors == []


def test_funding_page_with_demo_donations(page):
    create_about_pages()
    call_command("load_demo_donations", verbosity=0)

    page.visit("/about/funding/")
    assert page.locator("#funding-figures").is_visible()
    assert "raised" in page.locator(".funding").inner_text()
    page.screenshot("record-funding")
    assert page.errors == []
