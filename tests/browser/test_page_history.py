"""An about page's public history: an editor changes it, a reader sees what changed."""

import pytest

from tests.articles.factories import create_about_pages
from tests.browser.steps import log_in
from tests.roles import staff

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "We now say who reviews each fact check before it is published."


def test_editor_changes_the_methodology_and_readers_see_what_changed(
    page_factory, roles
):
    create_about_pages()
    editor_page = page_factory()
    log_in(editor_page, staff("Editor"))
    editor_page.visit("/admin/articles/page/")
    editor_page.locator("a", has_text="How we check facts").click()
    body = editor_page.locator("#id_body")
    text = body.input_value()
    body.fill(
        text.replace(
            "A second editor reads every fact check",
            "A second editor, named at the foot of the piece, reads every fact check",
        )
    )
    # A change without a note is refused, and the edit stays in the form.
    editor_page.click("input[name=_save]")
    assert "Say what changed and why" in editor_page.locator(".errorlist").inner_text()
    assert "named at the foot" in editor_page.locator("#id_body").input_value()
    editor_page.fill("#id_change_note", NOTE)
    editor_page.click("input[name=_save]")
    editor_page.wait_for_selector(".messagelist .success")

    reader = page_factory()
    reader.visit("/about/methodology/")
    history = reader.locator(".page-history")
    assert history.locator("li").count() == 2
    assert NOTE in history.locator("li").first.inner_text()
    history.scroll_into_view_if_needed()
    reader.screenshot("page-history-methodology")
    reader.screenshot("page-history-methodology-foot", full_page=False)

    history.locator("a", has_text="What changed").click()
    reader.wait_for_url("**/about/methodology/versions/2/changes/")
    assert reader.locator("ins", has_text="named at the foot of the piece").count() == 1
    reader.screenshot("page-history-changes")

    reader.locator("a", has_text="Read version 1").click()
    reader.wait_for_url("**/about/methodology/versions/1/")
    assert "This is version 1" in reader.locator(".notice--version").inner_text()
    assert "named at the foot" not in reader.locator("article").inner_text()
    assert editor_page.errors == [] and reader.errors == []


def test_the_changes_page_fits_a_phone(page_factory, roles):
    create_about_pages()
    from articles.factchecks.about_page_versions import save_page
    from articles.models import Page

    page = Page.objects.get(slug="corrections")
    page.lede = "We make mistakes. When we do, we fix them in the open, and say so."
    save_page(page=page, note="Said that we say so.")

    phone = page_factory(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone.visit("/about/corrections/versions/2/changes/")
    phone.screenshot("page-history-changes-phone")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert phone.errors == []
