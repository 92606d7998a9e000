"""
A fact check through the newsroom: a writer drafts and submits it, an
editor comments on a section and asks for changes, the writer answers and
resubmits, a second reader approves and it is published. Screenshots of the
desk, a commented change form and the audit trail.
"""

import pytest

from articles.models import Article, Publication, ReviewComment
from audit.models import AuditEntry
from tests.browser.conftest import SCREENSHOTS
from tests.browser.steps import log_in, write_recount_draft
from tests.roles import staff
from tests.sources.factories import SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

State = Article.ReviewState


def test_a_fact_check_goes_from_writer_to_reviewer_and_back_to_publication(
    page_factory, roles
):
    writer = staff("Writer", "wanda", first_name="Wanda")
    editor = staff("Editor", "eddie")
    SourceFactory(title="County canvass report", url="https://example.org/canvass")
    SourceFactory(title="Observer logbook", url="https://example.org/logbook")
    writing, reviewing = page_factory(), page_factory()

    # The writer drafts the fact check and submits it with a note.
    log_in(writing, writer)
    write_recount_draft(writing)
    article = Article.objects.get()
    assert article.assigned_writer == writer
    writing.fill("#review-note", "First draft: the observer count needs a second look.")
    writing.click("button:has-text('Submit for review')")
    writing.wait_for_selector(".messagelist .success")
    assert "Ready for review" in writing.locator(".review-panel__state").inner_text()

    # The editor finds it on the desk, comments on a section, sends it back.
    log_in(reviewing, editor)
    waiting = reviewing.locator("#desk-review")
    assert "How many people observed the recount?" in waiting.inner_text()
    # The count, and for screen readers what it counts.
    assert waiting.locator(".desk__count").inner_text().split() == ["1", "in", "all"]
    assert reviewing.locator(".desk__notifications .desk__count").inner_text() == "1"
    reviewing.screenshot("admin-desk")
    waiting.locator("a", has_text="How many people").click()
    section = reviewing.locator("#sections-0")
    section.locator(".review-part-button").click()
    assert reviewing.locator("#review-part").input_value().startswith("section:")
    reviewing.fill("#review-comment", "Which page of the logbook says 150?")
    reviewing.click("button:has-text('Add comment')")
    reviewing.wait_for_selector(".messagelist .success")
    reviewing.fill("#review-note", "Cite the logbook's page for the count.")
    reviewing.click("button:has-text('Request changes')")
    reviewing.wait_for_selector(".messagelist .success")
    assert Article.objects.get().review_state == State.CHANGES_REQUESTED

    # The writer sees the comment next to the section, fixes it, answers.
    writing.visit("/admin/")
    assert "How many people" in writing.locator("#desk-changes").inner_text()
    writing.locator("#desk-changes a", has_text="How many people").click()
    beside = writing.locator("#sections-0 .review-part-comments .review-comment")
    assert "Which page of the logbook says 150?" in beside.inner_text()
    assert (
        "Cite the logbook's page" in writing.locator(".review-panel__note").inner_text()
    )
    writing.screenshot("admin-review-comments")
    writing.locator("#review").screenshot(
        path=str(SCREENSHOTS / "admin-review-panel.png")
    )
    writing.locator("#sections-0").screenshot(
        path=str(SCREENSHOTS / "admin-review-comment-on-section.png")
    )
    writing.fill(
        "#id_sections-0-body", "The logbook lists 150 observers on page 4 [2]."
    )
    writing.click("input[name=_continue]")
    writing.wait_for_selector(".messagelist .success")
    comment = ReviewComment.objects.get()
    writing.locator(f"#comment-{comment.pk} summary").click()
    writing.fill(f"#review-answer-{comment.pk}", "Page 4; added to the text.")
    writing.click(f"#comment-{comment.pk} button:has-text('Send answer')")
    writing.wait_for_selector(".messagelist .success")
    writing.click(f"#comment-{comment.pk} button:has-text('Resolve')")
    writing.wait_for_selector(".messagelist .success")
    writing.click("button:has-text('Submit for review')")
    writing.wait_for_selector(".messagelist .success")
    assert Article.objects.get().review_state == State.READY
    assert comment.answers.get().body == "Page 4; added to the text."

    # The editor approves and publishes: no override needed.
    reviewing.visit(f"/admin/articles/article/{article.pk}/change/")
    assert "No open comments." in reviewing.locator(".review-panel").inner_text()
    reviewing.click("button:has-text('Approve')")
    reviewing.wait_for_selector(".messagelist .success")
    reviewing.click("a.publish-link")
    assert reviewing.locator("#id_override").count() == 0
    reviewing.click("input[type=submit][value=Continue]")
    reviewing.click("input[type=submit][value='Yes, publish']")
    reviewing.wait_for_selector(".messagelist .success")
    assert Publication.objects.get().version == 1
    assert Article.objects.get().review_state == State.PUBLISHED

    # Readers see the fixed text and nothing of the review.
    reviewing.visit(article.get_absolute_url())
    body = reviewing.locator("main").inner_text()
    assert "on page 4" in body
    assert "Which page of the logbook" not in body

    # The audit trail tells the story.
    reviewing.visit("/admin/audit/auditentry/")
    trail = reviewing.locator("#result_list").inner_text()
    for text in (
        "Submitted for review.",
        "Commented: Which page of the logbook says 150?",
        "Changes requested: Cite the logbook's page for the count.",
        "Approved.",
        "Published version 1 (first publication).",
    ):
        assert text in trail
    assert AuditEntry.objects.filter(actor=writer).count() >= 3
    reviewing.screenshot("admin-audit-trail")
    assert writing.errors == [] and reviewing.errors == []
