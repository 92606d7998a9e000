"""
Accessibility faults an outside audit found (axe and the Nu checker), each
checked in Chromium with axe at every impact level, and each page saved as
a screenshot: the question form's described-by ids, the search page's
landmarks, the version notice, and the admin's history, compare page, desk
and review panel.
"""

from articles.factchecks.publishing import publish
from articles.models import Article
from articles.newsroom import commenting
from tests.articles.factories import approve_as_is, published_article
from tests.browser.steps import log_in
from tests.browser.test_editing import axe_violations
from tests.roles import staff

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def described_by_missing(page):
    """Ids named by aria-describedby that no element on the page has."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(
            (el) => el.getAttribute('aria-describedby').split(/\\s+/)
                .filter((id) => id && !document.getElementById(id)))"""
    )


def corrected_article():
    article = published_article(title="Fact check: Did 150 people observe it?")
    article.summary = article.summary + " Two hundred people observed it."
    article.save()
    approve_as_is(article)
    publish(article=article, kind="correction", note="Corrected the count.")
    return Article.objects.get(pk=article.pk)


def test_reader_pages_pass_axe_at_every_impact(page, roles):
    article = corrected_article()

    page.visit("/ask/")
    page.click(".ask-form button[type=submit]")
    page.wait_for_selector(".field-error")
    assert described_by_missing(page) == []
    assert axe_violations(page, impacts=EVERY_IMPACT) == []
    page.screenshot("a11y-ask-errors")

    page.visit("/search/?q=observe")
    labels = page.evaluate(
        "() => [...document.querySelectorAll('[role=search]')]"
        ".map((el) => el.getAttribute('aria-label'))"
    )
    assert len(labels) == 2 and all(labels) and len(set(labels)) == 2
    assert axe_violations(page, impacts=EVERY_IMPACT) == []
    page.screenshot("a11y-search")

    page.visit(f"/fact-checks/{article.slug}/versions/1/")
    assert page.locator("main .notice--version").count() == 1
    assert axe_violations(page, impacts=EVERY_IMPACT) == []
    page.screenshot("a11y-version")
    # The question form answers its errors with a 400, which Chromium logs.
    assert [e for e in page.errors if "status of 400" not in e] == []


def test_admin_history_compare_desk_and_review_pass_axe(page, roles):
    editor = staff("Editor")
    article = corrected_article()
    for body in ("Which count is right?", "Cite the logbook here."):
        commenting.comment(article=article, user=editor, body=body)
    log_in(page, editor)

    page.visit(f"/admin/articles/article/{article.pk}/history/")
    assert axe_violations(page, impacts=EVERY_IMPACT) == []
    page.screenshot("a11y-admin-history")

    page.visit(f"/admin/articles/article/{article.pk}/compare/?from=draft&to=draft")
    levels = page.evaluate(
        "() => [...document.querySelectorAll('#content h1, #content h2, "
        "#content h3, #content h4')].map((h) => Number(h.tagName[1]))"
    )
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert axe_violations(page, impacts=EVERY_IMPACT) == []

    page.visit("/admin/")
    assert page.locator("span[aria-label]").count() == 0
    assert axe_violations(page, impacts=EVERY_IMPACT) == []
    page.screenshot("a11y-admin-desk")

    page.visit(f"/admin/articles/article/{article.pk}/change/")
    answer_labels = page.evaluate(
        "() => [...document.querySelectorAll('textarea[id^=review-answer-]')]"
        ".map((box) => box.labels[0].textContent.trim())"
    )
    assert len(answer_labels) == 2
    assert len(set(answer_labels)) == 2
    page.screenshot("a11y-admin-review")
    assert page.errors == []
