"""
The project's admin site in a real browser: its name on every page, the
headline claim chosen in the claim inline (and refused twice over), and the
remove-version link that only editors are offered.
"""

import pytest

from articles.factchecks.publishing import publish
from articles.models import Publication
from tests.articles.factories import (
    ClaimFactory,
    build_article,
    edit_summary,
    published_article,
)
from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import log_in
from tests.roles import staff

pytestmark = pytest.mark.django_db(transaction=True)


def open_claim(page, row):
    """Show a claim's fields, should the long-article form have folded it."""
    claim = page.locator(f"#claims-{row}")
    if claim.evaluate("row => row.classList.contains('is-collapsed')"):
        claim.locator(".inline-toggle").click()
    return claim


def test_editor_chooses_the_headline_claim_in_the_claim_inline(page, roles):
    article = build_article(sections=1, claims=1)
    ClaimFactory(article=article, position=2, claimant="B. Speaker")
    log_in(page, staff("Editor"))
    assert "Factually newsroom" in page.title()
    page.visit(f"/admin/articles/article/{article.pk}/change/")

    claim = open_claim(page, 1)
    box = claim.locator("input[name='claims-1-is_headline']")
    assert box.is_visible()
    assert claim.locator("label[for='id_claims-1-is_headline']").inner_text() == (
        "Headline claim"
    )
    box.check()
    claim.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(exist_ok=True)
    claim.screenshot(path=str(SCREENSHOTS / "admin-claim-headline-inline.png"))
    page.click("input[name='_continue']")
    page.wait_for_selector(".messagelist .success")

    assert article.claims.get(position=2).is_headline is True
    assert article.claims.get(position=1).is_headline is False
    assert (
        open_claim(page, 1).locator("input[name='claims-1-is_headline']").is_checked()
    )
    assert page.errors == []


def test_two_headline_claims_are_refused_in_words(page, roles):
    article = build_article(sections=1, claims=1)
    ClaimFactory(article=article, position=2, claimant="B. Speaker")
    log_in(page, staff("Writer"))
    page.visit(f"/admin/articles/article/{article.pk}/change/")

    for row in (0, 1):
        open_claim(page, row).locator(f"input[name='claims-{row}-is_headline']").check()
    page.click("input[name='_continue']")
    error = page.locator("#claims-group .errorlist").first
    error.wait_for()

    assert "on one claim only: 2 are ticked (1, 2)" in error.inner_text()
    assert not article.claims.filter(is_headline=True).exists()
    error.scroll_into_view_if_needed()
    page.screenshot("admin-claim-headline-refused", full_page=False)


def test_only_editors_are_offered_to_remove_a_version(page_factory, roles):
    article = published_article()
    edit_summary(article)
    publish(article=article, kind=Publication.Kind.UPDATE, note="More.")
    first = Publication.objects.get(article=article, version=1)
    url = f"/admin/articles/publication/{first.pk}/change/"

    writer_page = page_factory()
    log_in(writer_page, staff("Writer"))
    writer_page.visit(url)
    assert writer_page.locator(".object-tools").inner_text().count("Remove") == 0

    page = page_factory()
    log_in(page, staff("Editor"))
    page.visit(url)
    page.screenshot("admin-publication-editor")
    page.click("text=Remove from public view for legal reasons")
    page.wait_for_url(f"**/admin/articles/publication/{first.pk}/remove/")
    page.fill("textarea[name='note']", "Court order 12/2026.")
    page.screenshot("admin-publication-remove")
    page.click("input[type=submit][value='Remove from public view']")
    page.wait_for_selector(".messagelist .success")

    first.refresh_from_db()
    assert first.removal.note == "Court order 12/2026."
    assert "Remove from public view for legal" not in page.content()
    assert page.errors == [] and writer_page.errors == []
