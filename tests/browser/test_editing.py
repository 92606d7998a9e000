"""
Editing in a real browser: the long-article form at desktop and phone
widths, a source filled in from a local test page, the live preview, the
warning before leaving and the copy kept in the browser, the paste-import
report, and every action a person takes from pasted text to a published
page. Accessibility is checked with axe-core (vendored in vendor/).
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import override_settings

from articles.models import Article, Publication
from sources.models import Source
from tests.articles.factories import CitationFactory, build_article
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.steps import log_in
from tests.roles import staff
from tests.sources.factories import SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SAMPLE = (
    Path(__file__).resolve().parents[1] / "articles" / "samples" / "plain_page.txt"
).read_text()

PAGES = {
    "/canvass": ("County canvass report, November 2025", "County Board of Elections"),
    "/logbook": ("Recount observers' logbook", "County Clerk"),
    "/court": ("Order on the recount procedure", "State District Court"),
    "/statement": ("Statement on secret-counting claims", "County Board of Elections"),
}


class SourcePages(BaseHTTPRequestHandler):
    def do_GET(self):
        title, publisher = PAGES.get(self.path, ("Unknown", ""))
        body = (
            f"<html><head><title>{title} | {publisher}</title>"
            f'<meta property="og:title" content="{title}">'
            f'<meta property="og:site_name" content="{publisher}">'
            '<meta name="author" content="Records Office">'
            '<meta property="article:published_time" content="2025-11-20">'
            "</head><body>Sample page.</body></html>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def source_site():
    """Pages with metadata on 127.0.0.1, and the fetcher allowed to read them."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), SourcePages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with override_settings(SOURCE_FETCH_ALLOW_LOOPBACK=True):
        yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def axe_violations(page, *, impacts=("serious", "critical")):
    """
    axe-core violations on the page, as (rule, targets). The rule that a
    link's accessible name includes its visible text is experimental in
    axe, so it is turned on here.
    """
    page.evaluate(AXE)
    results = page.evaluate(
        """async () => await axe.run(document, {
            resultTypes: ['violations'],
            rules: {'label-content-name-mismatch': {enabled: true}},
        })"""
    )
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:5])
        for v in results["violations"]
        if v["impact"] in impacts or v["id"] == "label-content-name-mismatch"
    ]


class Actions:
    """A page whose fills, clicks and key presses are counted."""

    def __init__(self, page):
        self.page = page
        self.count = 0
        self.log = []

    def fill(self, selector, value):
        self.count += 1
        self.log.append(f"fill {selector}")
        self.page.fill(selector, value)

    def click(self, selector):
        self.count += 1
        self.log.append(f"click {selector}")
        self.page.click(selector)


def test_long_article_form_at_desktop_and_phone(page_factory, roles):
    writer = staff("Writer")
    article = build_article(sections=60, citations=200, claims=20, related=5)
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = page_factory(viewport=viewport)
        log_in(page, writer)
        page.visit(f"/admin/articles/article/{article.pk}/change/")
        page.wait_for_selector("#sections-0 .inline-toggle")

        # Sixty sections collapse to their headings; one opens on demand.
        assert (
            page.locator("#sections-group .inline-related.is-collapsed").count() == 60
        )
        assert "8. Part 8" in page.locator("#sections-7 h3").inner_text()
        assert page.locator("#sections-7 textarea").is_hidden()
        page.click("#editor-outline summary")
        page.click("#editor-outline a[href='#sections-7']")
        assert page.locator("#sections-7 textarea").is_visible()

        # Nothing runs off the side; the title and the Delete column show.
        width = viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if name == "desktop":
            assert page.locator("#id_title").bounding_box()["width"] > 600
            delete = page.locator(
                "#citations-group th", has_text="Delete"
            ).bounding_box()
            assert delete["x"] + delete["width"] <= width
        # The save bar stays in view at the bottom of the screen.
        bar = page.locator(".editor-bar").bounding_box()
        assert bar["y"] + bar["height"] <= viewport["height"] + 1
        page.screenshot(f"editing-long-article-{name}-viewport", full_page=False)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(f"editing-long-article-{name}")
        assert axe_violations(page) == []
        assert page.errors == []


def test_citations_table_fits_its_column_at_1280_pixels(page_factory, roles):
    article = build_article(sections=1, citations=0, claims=0)
    # As in the seed fact check: long titles, a pinpoint and a note.
    for position in (1, 2):
        CitationFactory(
            article=article,
            position=position,
            source=SourceFactory(
                title="Election Day Voting and Vote Counting in the County: "
                "Observer Report on the Recount Procedures, Chain of Custody "
                f"and Adjudication (part {position})",
                url=f"https://www.example.gov/reports/2026/recount-{position}",
            ),
            pinpoint="Table 4, page 17, paragraphs 3 to 5",
            note="Counts observers at each table, by party and by shift.",
        )
    page = page_factory(viewport={"width": 1280, "height": 800})
    log_in(page, staff("Writer"))
    page.visit(f"/admin/articles/article/{article.pk}/change/")
    group = page.locator("#citations-group")
    group.scroll_into_view_if_needed()

    column = group.bounding_box()
    table = page.locator("#citations-group table").bounding_box()
    assert table["x"] + table["width"] <= column["x"] + column["width"] + 1
    for heading in ("Pinpoint", "Note", "Delete"):
        box = page.locator("#citations-group th", has_text=heading).bounding_box()
        assert box["x"] + box["width"] <= column["x"] + column["width"] + 1, heading
    page.screenshot("editing-citations-1280", full_page=False)
    assert page.errors == []


def test_source_from_its_address_fills_the_form(page, roles, source_site):
    writer = staff("Writer")
    article = build_article(sections=1, citations=0, claims=0)
    CitationFactory(article=article, position=1, source=None)
    log_in(page, writer)
    page.visit(f"/admin/articles/article/{article.pk}/change/")

    page.fill("#source-panel-url", f"{source_site}/canvass")
    page.wait_for_function(
        "() => document.getElementById('source-panel-title').value.includes('canvass')"
    )
    assert page.input_value("#source-panel-publisher") == "County Board of Elections"
    assert page.input_value("#source-panel-published_on") == "2025-11-20"
    assert page.input_value("#source-panel-archived_url").startswith(
        "https://web.archive.org/web/"
    )
    assert (
        "Citation 1 (no source yet)"
        in page.locator("#source-panel-target").inner_text()
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator("#source-panel").screenshot(
        path=str(SCREENSHOTS / "editing-source-panel.png")
    )
    page.click("#source-panel-add")
    page.wait_for_selector("#source-panel-status:has-text('Cited [1]')")
    assert (
        "County canvass report"
        in page.locator("#citations-0 .select2-selection").inner_text()
    )
    page.screenshot("editing-source-cited")

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    source = Source.objects.get()
    assert source.title == "County canvass report, November 2025"
    assert article.citations.get().source == source

    # The same address again is recognised as the source already on file.
    page.fill("#source-panel-url", f"{source_site}/canvass/")
    page.wait_for_selector("#source-panel-status:has-text('Already a source')")
    assert page.errors == []


def test_live_preview_follows_typing(page, roles):
    writer = staff("Writer")
    article = build_article(sections=3, citations=2)
    log_in(page, writer)
    page.visit(f"/admin/articles/article/{article.pk}/change/")

    page.click("#live-preview-open")
    page.wait_for_selector("#live-preview-body h1")
    page.fill("#id_sections-1-body", "Typed **just now**, citing [2] and [5].")
    page.wait_for_selector("#live-preview-body strong:has-text('just now')")
    preview = page.locator("#live-preview-body").inner_text()
    assert "[5] points to no citation" in preview
    assert page.locator("#live-preview-body a[href='#source-2']").count() >= 1
    page.screenshot("editing-live-preview", full_page=False)
    # Nothing was saved by previewing.
    assert "just now" not in article.sections.get(position=2).body
    assert axe_violations(page) == []
    assert page.errors == []


def test_changed_form_warns_before_leaving_and_keeps_a_copy(page, roles):
    writer = staff("Writer")
    article = build_article(sections=2, citations=2)
    log_in(page, writer)
    url = f"/admin/articles/article/{article.pk}/change/"
    page.visit(url)
    page.fill("#id_sections-0-body", "An edit I have not saved [1].")
    page.wait_for_timeout(1200)  # The copy in the browser is kept after a pause.

    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on this page."

    page.on("dialog", answer)
    page.click(".breadcrumbs a[href='/admin/articles/article/']", no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.input_value("#id_sections-0-body") == "An edit I have not saved [1]."
    page.locator("#sections-0").scroll_into_view_if_needed()
    page.screenshot("editing-warning-before-leaving", full_page=False)

    # The tab closes without saving; opening the article again offers the copy.
    page.remove_listener("dialog", answer)
    page.on("dialog", lambda dialog: dialog.accept())
    page.visit(url)
    page.wait_for_selector("#editor-restore:not([hidden])")
    page.screenshot("editing-restore-offer", full_page=False)
    page.click("#editor-restore-yes")
    assert page.input_value("#id_sections-0-body") == "An edit I have not saved [1]."

    # Publish from the changed form saves first, then goes on.
    editor = staff("Editor")
    page.context.clear_cookies()
    log_in(page, editor)
    page.visit(url)
    page.wait_for_selector("#editor-restore:not([hidden])")
    page.click("#editor-restore-yes")
    page.click("a.publish-link")
    page.wait_for_url("**/publish/")
    assert article.sections.get(position=1).body == "An edit I have not saved [1]."
    # Saved, so the copy in the browser is gone.
    page.visit(url)
    page.wait_for_timeout(300)
    assert page.locator("#editor-restore").is_hidden()
    assert page.errors == []


def test_a_paste_over_the_import_limit_is_stopped_and_kept(page, roles):
    log_in(page, staff("Writer"))
    page.visit("/admin/articles/article/import/")
    text = SAMPLE + "\n" + "Menu item. " * 500_000  # About 5 MB.
    page.locator("#id_text").evaluate("(box, text) => { box.value = text; }", text)

    page.click("input[type=submit][value='Make the draft']")

    error = page.locator("#import-size-error")
    error.wait_for()
    assert "at most 1 MB can be imported" in error.inner_text()
    assert page.url.endswith("/admin/articles/article/import/")
    assert page.locator("#id_text").evaluate("box => box.value.length") == len(text)
    assert not Article.objects.exists()
    page.screenshot("editing-import-too-long")
    assert page.errors == []


def test_paste_import_report_and_our_admin_pages_pass_axe(page, roles):
    editor = staff("Editor")
    log_in(page, editor)
    page.visit("/admin/articles/article/import/")
    assert axe_violations(page) == []
    page.fill("#id_text", "Welcome to our newsletter!\nNothing to see.")
    page.click("input[type=submit][value='Make the draft']")
    page.wait_for_selector(".import-report")
    assert "Nothing was created" in page.locator(".import-report").inner_text()
    assert axe_violations(page) == []
    page.screenshot("editing-import-refused")

    page.fill("#id_text", SAMPLE)
    page.click("input[type=submit][value='Make the draft']")
    page.wait_for_selector(".messagelist .success")
    report = page.locator(".messagelist").inner_text()
    assert "6 sections" in report
    assert "Keep Factually independent" in report
    page.screenshot("editing-import-report")
    article = Article.objects.get()
    for path in (
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/publish/",
        f"/admin/articles/article/{article.pk}/preview/",
        f"/admin/articles/article/{article.pk}/history/",
        f"/admin/articles/article/{article.pk}/compare/?from=draft&to=draft",
        "/admin/articles/article/",
        "/admin/articles/article/recover/",
    ):
        page.visit(path)
        assert (path, axe_violations(page)) == (path, [])
    assert page.errors == []


def test_pasted_text_to_published_page_in_at_most_15_actions(page, roles, source_site):
    editor = staff("Editor")
    log_in(page, editor)
    page.visit("/admin/articles/article/import/")
    person = Actions(page)

    person.fill("#id_text", SAMPLE)
    person.click("input[type=submit][value='Make the draft']")
    page.wait_for_selector(".messagelist .success")
    for path in PAGES:
        person.fill("#source-panel-url", source_site + path)
        page.wait_for_function(
            "() => document.getElementById('source-panel-title').value !== ''"
            " && !document.getElementById('source-panel-fields').hidden"
        )
        person.click("#source-panel-add")
        page.wait_for_selector("#source-panel-status:has-text('Cited')")
    person.click("a.publish-link")
    page.wait_for_url("**/publish/")
    # A newly imported draft has had no review: the editor overrides it.
    person.click("#id_override")
    person.fill("#id_override_reason", "Checked by the desk on the phone.")
    person.click("input[type=submit][value=Continue]")
    person.click("input[type=submit][value='Yes, publish']")
    page.wait_for_selector(".messagelist .success")

    publication = Publication.objects.get()
    assert [s["title"] for s in publication.content["sources"]] == [
        title for title, _publisher in PAGES.values()
    ]
    assert len(publication.content["sections"]) == 6
    assert len(publication.content["related"]) == 5
    page.visit(f"/admin/articles/article/{publication.article_id}/withdraw/")
    assert axe_violations(page) == []
    page.visit(publication.get_absolute_url())
    page.screenshot("editing-imported-and-published")
    # The back-links from each source to its citations name their visible text.
    assert page.locator(".source__backlinks a").count() >= 4
    assert [
        v for v in axe_violations(page) if v[0] == "label-content-name-mismatch"
    ] == []
    print(f"\nActions from pasted text to a published page: {person.count}")
    print("\n".join(person.log))
    assert person.count <= 15
    assert page.errors == []
