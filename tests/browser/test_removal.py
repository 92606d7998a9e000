"""A version removed for legal reasons, as a reader finds the fact check after it."""

import datetime

import pytest
from django.utils import timezone

from articles.factchecks.publishing import remove_version
from articles.models import Publication

# Removal, not the review: each draft edited in code is published approved.
from tests.articles.factories import publish_approved as publish
from tests.articles.factories import published_article

pytestmark = pytest.mark.django_db(transaction=True)

COURT_NOTE = "Removed by order of the district court, case 12/2026."


def test_the_update_history_keeps_only_a_tombstone(page_factory):
    now = timezone.now()
    article = published_article(
        slug="budget",
        title="Fact check: Did the council balance its budget?",
        summary="The council balanced its budget [1].",
        published_at=now - datetime.timedelta(days=9),
    )
    article.summary = "The council balanced its budget [1]. The mayor took a bribe."
    article.save()
    publish(
        article=article,
        kind="correction",
        note="Corrected what the mayor said.",
        published_at=now - datetime.timedelta(days=5),
    )
    article.summary = "The council balanced its budget, its auditor says [1]."
    article.save()
    publish(
        article=article,
        kind="update",
        note="Added the auditor's finding.",
        published_at=now - datetime.timedelta(days=2),
    )
    # Kept by the server's caches before the removal. (This browser keeps
    # its own copy for BROWSER_MAX_AGE, as for any change: a reader's
    # browser cannot be purged, so the next reader is a new one.)
    page_factory().visit("/fact-checks/budget/")

    remove_version(
        publication=Publication.objects.get(article=article, version=2),
        note=COURT_NOTE,
    )

    page = page_factory()
    page.visit("/fact-checks/budget/")
    history = page.locator("#history")
    assert COURT_NOTE in history.inner_text()
    assert "Corrected what the mayor said" not in page.content()
    assert page.locator(".corrections-notice").count() == 0
    history.scroll_into_view_if_needed()
    page.screenshot("removal-history-tombstone", full_page=False)
    assert page.errors == []

    history.locator("a", has_text="Version 2").click()
    page.wait_for_url("**/versions/2/")
    assert COURT_NOTE in page.locator("main").inner_text()
    assert "bribe" not in page.content()
    page.screenshot("removal-version-2")
