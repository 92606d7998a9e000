import pytest

from articles.models import Article, Publication
from tests.browser.steps import log_in, write_recount_draft
from tests.roles import staff
from tests.sources.factories import SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_writes_publishes_and_corrects_a_fact_check(page, roles):
    editor = staff("Editor", "eddie")
    SourceFactory(title="County canvass report", url="https://example.org/canvass")
    SourceFactory(title="Observer logbook", url="https://example.org/logbook")
    log_in(page, editor)

    # Write the draft on one screen.
    write_recount_draft(page)
    article = Article.objects.get()
    assert article.slug == "fact-check-how-many-people-observed-the-recount"
    assert list(article.sections.values_list("position", flat=True)) == [1, 2]
    assert list(article.citations.values_list("position", flat=True)) == [1, 2]
    page.screenshot("admin-change-form")

    # Publish it: nobody reviewed it, so the editor overrides, saying why.
    page.click("a.publish-link")
    page.check("#id_override")
    page.fill("#id_override_reason", "Election night: no second reader on shift.")
    page.click("input[type=submit][value=Continue]")
    assert "Version 1" in page.locator(".confirm-box").inner_text()
    page.click("input[type=submit][value='Yes, publish']")
    page.wait_for_selector(".messagelist .success")
    assert Publication.objects.get().version == 1

    # Correct a section and see what changed since the live version.
    page.fill("#id_sections-0-body", "The logbook lists 200 observers [2].")
    page.click("input[name=_continue]")
    page.wait_for_selector(".article-status--changed")
    page.click("text=see what changed since the live version")
    page.wait_for_selector(".comparison")
    assert page.locator(".comparison del").first.inner_text() == "150"
    assert page.locator(".comparison ins").first.inner_text() == "200"
    page.screenshot("admin-diff")

    # Publish the correction with a note.
    page.click("text=Back to the article")
    page.click("a.publish-link")
    page.select_option("#id_kind", "correction")
    page.fill("#id_note", "Corrected the number of observers from 150 to 200.")
    page.check("#id_override")
    page.fill("#id_override_reason", "A correction cannot wait for a review.")
    page.click("input[type=submit][value=Continue]")
    page.click("input[type=submit][value='Yes, publish']")
    page.wait_for_selector(".messagelist .success")

    page.click("text=History")
    page.wait_for_selector(".history-table")
    assert "Published v2: Correction" in page.locator(".history-table").inner_text()
    page.screenshot("admin-history")

    # Readers see the corrected text and the correction.
    page.visit(article.get_absolute_url())
    assert "200 observers" in page.locator("#section-1").inner_text()
    history = page.locator("#history").inner_text()
    assert "Correction: Corrected the number of observers from 150 to 200." in history
    page.screenshot("article-corrected")
    assert page.errors == []
