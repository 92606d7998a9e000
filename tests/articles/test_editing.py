"""
The change form's editing aids: saving before publish, the live preview,
sources from their address, warnings next to fields, long articles in a
bounded number of queries, and the limits that keep rendering bounded.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse

from articles.factchecks import frozen_content as content
from articles.factchecks import render_limits as limits
from articles.models import Article, Citation, PreviewLink, Section
from sources.models import Source
from tests.articles.factories import (
    CitationFactory,
    SectionFactory,
    build_article,
    published_article,
)
from tests.articles.test_admin import AdminTestCase, change_form_data
from tests.sources.factories import SourceFactory


class SaveFirstTests(AdminTestCase):
    def test_publish_from_a_changed_form_saves_then_opens_publishing(self):
        article = build_article()

        response = self.save_in_admin(
            self.editor,
            article,
            **{"sections-0-body": "Edited [1].", "_then": "publish"},
        )

        self.assertRedirects(response, self.admin_url("publish", article))
        self.assertEqual(article.sections.get(position=1).body, "Edited [1].")

    def test_preview_and_withdraw_save_first_too(self):
        article = published_article()
        for then in ("preview", "withdraw"):
            with self.subTest(then=then):
                response = self.save_in_admin(
                    self.editor, article, summary=f"Now {then}.", _then=then
                )
                self.assertRedirects(response, self.admin_url(then, article))
                article.refresh_from_db()
                self.assertEqual(article.summary, f"Now {then}.")

    def test_refused_save_stops_there_with_a_message_and_keeps_the_edit(self):
        article = build_article()

        response = self.save_in_admin(
            self.editor,
            article,
            **{"title": "", "sections-0-body": "My unsaved edit.", "_then": "publish"},
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Your changes are not saved yet")
        self.assertContains(response, "My unsaved edit.")
        self.assertEqual(article.publications.count(), 0)

    def test_unknown_destination_is_an_ordinary_save(self):
        article = build_article()

        response = self.save_in_admin(self.editor, article, _then="delete")

        self.assertRedirects(response, reverse("admin:articles_article_changelist"))

    def test_change_form_marks_the_links_that_save_first(self):
        article = published_article()
        self.client.force_login(self.editor)

        response = self.client.get(self.change_url(article))

        for then in ("publish", "preview", "withdraw"):
            self.assertContains(response, f'data-then="{then}"')
        self.assertContains(response, 'name="_then" value="publish"')
        self.assertContains(response, "js/article-form.js")


class LivePreviewTests(AdminTestCase):
    def live_preview(self, user, article, **changes):
        self.client.force_login(user)
        return self.client.post(
            reverse("admin:articles_article_live_preview", args=[article.pk]),
            change_form_data(article, **changes),
        )

    def test_preview_shows_the_posted_text_and_saves_nothing(self):
        article = build_article()
        digest = article.draft_digest

        response = self.live_preview(
            self.writer, article, **{"sections-0-body": "Typed just now [2]."}
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Typed just now")
        self.assertContains(response, 'href="#source-2"')
        self.assertEqual(
            article.sections.get(position=1).body, "Paragraph of section 1. [1]"
        )
        article.refresh_from_db()
        self.assertEqual(article.draft_digest, digest)

    def test_preview_lists_what_blocks_publishing(self):
        article = build_article()

        response = self.live_preview(
            self.writer, article, **{"sections-0-body": "Nowhere [9]."}
        )

        self.assertContains(response, "[9] points to no citation")

    def test_preview_of_the_same_draft_is_rendered_once(self):
        article = build_article()
        data = change_form_data(article)
        self.client.force_login(self.writer)
        url = reverse("admin:articles_article_live_preview", args=[article.pk])

        with mock.patch(
            "articles.factchecks.publishing.render_draft", wraps=content.render_draft
        ) as render:
            self.client.post(url, data)
            self.client.post(url, data)
            self.assertEqual(render.call_count, 1)
            response = self.client.post(url, {**data, "summary": "Changed."})
            self.assertEqual(render.call_count, 2)

        self.assertContains(response, "Changed.")

    def test_staff_preview_shared_link_and_publish_review_share_one_rendering(self):
        article = build_article()
        self.client.force_login(self.editor)

        with mock.patch(
            "articles.factchecks.publishing.render_draft", wraps=content.render_draft
        ) as render:
            self.client.get(reverse("articles:preview", args=[article.pk]))
            self.client.get(
                PreviewLink.objects.create(article=article).get_absolute_url()
            )
            self.client.get(self.admin_url("publish", article))

        self.assertEqual(render.call_count, 1)

    def test_get_and_other_roles_are_refused(self):
        article = build_article()
        url = reverse("admin:articles_article_live_preview", args=[article.pk])
        self.client.force_login(self.writer)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.client.force_login(self.fundraiser)
        self.assertEqual(self.client.post(url, {}).status_code, 403)


class SourceFromAddressTests(AdminTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        class Page(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(
                    b'<title>Canvass</title><meta property="og:title" content="County '
                    b'canvass report"><meta property="og:site_name" content="County">'
                )

            def log_message(self, *args):
                pass

        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        super().tearDownClass()

    def look_up(self, user, url):
        self.client.force_login(user)
        return self.client.post(
            reverse("admin:articles_article_source_lookup"), {"url": url}
        )

    @override_settings(SOURCE_FETCH_ALLOW_LOOPBACK=True)
    def test_writer_gets_the_details_read_from_the_page(self):
        response = self.look_up(self.writer, f"{self.base}/canvass")

        data = response.json()
        self.assertEqual(data["fields"]["title"], "County canvass report")
        self.assertEqual(data["fields"]["publisher"], "County")
        self.assertEqual(
            data["fields"]["archived_url"],
            f"https://web.archive.org/web/{self.base}/canvass",
        )

    def test_known_address_is_recognised_without_fetching(self):
        source = SourceFactory(title="Logbook", url="https://example.org/logbook")

        response = self.look_up(
            self.writer, "http://www.example.org/logbook/?utm_source=x"
        )

        self.assertEqual(
            response.json()["duplicate"], {"id": source.pk, "text": "Logbook"}
        )

    def test_unreachable_page_asks_for_the_details_by_hand(self):
        # Loopback is refused outside tests that allow it: the same path as a
        # network failure, with the address kept for the editor.
        response = self.look_up(self.writer, f"{self.base}/canvass")

        data = response.json()
        self.assertIn("Fill in the details by hand.", data["error"])
        self.assertEqual(data["fields"]["url"], f"{self.base}/canvass")

    def test_bad_address_is_a_400_with_a_reason(self):
        response = self.look_up(self.writer, "javascript:alert(1)")

        self.assertEqual(response.status_code, 400)
        self.assertIn("http:// or https://", response.json()["error"])

    def test_writer_creates_a_source_in_one_post(self):
        self.client.force_login(self.writer)

        response = self.client.post(
            reverse("admin:articles_article_source_create"),
            {
                "url": "https://example.org/canvass",
                "title": "County canvass report",
                "publisher": "County",
                "date_precision": "day",
                "kind": "official",
            },
        )

        self.assertEqual(response.status_code, 201)
        source = Source.objects.get(pk=response.json()["id"])
        self.assertEqual(source.title, "County canvass report")

    def test_duplicate_source_is_refused_and_nothing_created(self):
        SourceFactory(title="Logbook", url="https://example.org/logbook")
        self.client.force_login(self.writer)

        response = self.client.post(
            reverse("admin:articles_article_source_create"),
            {
                "url": "https://example.org/logbook/",
                "title": "Again",
                "date_precision": "day",
                "kind": "primary",
            },
        )

        self.assertEqual(response.status_code, 400)
        self.assertIn("already a source", json.dumps(response.json()))
        self.assertEqual(Source.objects.count(), 1)

    def test_fundraiser_may_neither_look_up_nor_create(self):
        self.assertEqual(
            self.look_up(self.fundraiser, "https://example.org/").status_code, 403
        )
        response = self.client.post(reverse("admin:articles_article_source_create"), {})
        self.assertEqual(response.status_code, 403)


class WarningsOnTheFormTests(AdminTestCase):
    def test_saved_form_shows_each_warning_next_to_its_field(self):
        article = build_article(sections=2, citations=3)
        self.save_in_admin(
            self.writer, article, **{"sections-1-body": "", "summary": "See [7]."}
        )

        response = self.client.get(self.change_url(article))

        warnings = json.loads(
            response.content.decode()
            .split('id="writing-warnings-data" type="application/json">')[1]
            .split("</script>")[0]
        )
        self.assertIn(
            "[7] points to no citation (this article has 3).", warnings["id_summary"]
        )
        self.assertEqual(
            warnings["id_sections-1-body"], ["This section has no text yet."]
        )
        self.assertIn(
            "Citation 3 is not cited anywhere in the text.",
            warnings["id_citations-2-source"],
        )
        self.assertContains(response, 'href="#id_summary"')

    def test_pasted_heading_number_is_removed_on_save(self):
        article = build_article()

        self.save_in_admin(
            self.writer, article, **{"sections-0-heading": "1. 1. The tally"}
        )

        self.assertEqual(article.sections.get(position=1).heading, "The tally")

    def test_inline_inputs_are_labelled_by_row(self):
        article = build_article(citations=2)
        self.client.force_login(self.writer)

        response = self.client.get(self.change_url(article))

        self.assertContains(response, 'aria-label="Citation 2: Pinpoint"')
        self.assertContains(response, 'aria-label="Citation 2: Delete"')


class LimitsAtSaveTests(AdminTestCase):
    def test_text_with_too_much_markup_is_refused_with_a_message(self):
        article = build_article()

        response = self.save_in_admin(
            self.writer, article, **{"sections-0-body": "![" * 3000}
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This text has 6,000 Markdown symbols")
        self.assertEqual(
            article.sections.get(position=1).body, "Paragraph of section 1. [1]"
        )

    def test_deep_nesting_is_refused(self):
        article = build_article()

        response = self.save_in_admin(self.writer, article, summary="> " * 12 + "deep")

        self.assertContains(response, "nested more than 10 levels")

    def test_article_over_its_total_is_refused(self):
        article = build_article(sections=7)
        body = "Plain words go here. " * 2_300  # About 48,000 characters each.
        changes = {f"sections-{i}-body": body for i in range(7)}

        response = self.save_in_admin(self.writer, article, **changes)

        self.assertContains(response, "add up to")
        self.assertNotEqual(article.sections.get(position=1).body, body)

    def test_over_limit_draft_from_elsewhere_is_not_rendered_nor_published(self):
        article = build_article()
        Section.objects.filter(article=article, position=1).update(body="![" * 6000)
        self.client.force_login(self.editor)

        response = self.client.get(reverse("articles:preview", args=[article.pk]))

        self.assertContains(response, "Not shown: over the rendering limits.")
        self.assertContains(
            response, "Section 1: This text has 12,000 Markdown symbols"
        )
        response = self.client.post(
            self.admin_url("publish", article), {"kind": "first", "confirm": "True"}
        )
        self.assertEqual(article.publications.count(), 0)


class WorstAllowedInputTests(AdminTestCase):
    def test_worst_allowed_article_is_within_the_limits_and_renders(self):
        """
        The costliest Markdown found (“![”, about 25 µs a character) up to
        every limit. `bench/render_limits.py` times it; see the README.
        """
        article = worst_allowed_article()
        from articles.factchecks.publishing import preview
        from articles.factchecks.shape import load

        draft = load(article)
        self.assertEqual(limits.draft_problems(draft), [])
        publication, problems = preview(draft)
        self.assertEqual(len(publication.content["sections"]), len(draft.sections))
        self.assertNotIn("Not shown", json.dumps(publication.content))

        Section.objects.filter(pk=draft.sections[0].pk).update(
            body=draft.sections[0].body + "!"
        )
        self.assertNotEqual(limits.draft_problems(load(article)), [])


def worst_allowed_article():
    """
    Every text at the limits: as many characters as an article may hold,
    and as much of the costliest markup found (“![”) as allowed.
    """
    sections = 30
    length = (limits.MAX_CHARACTERS_PER_ARTICLE - 100) // sections
    costly = limits.MAX_MARKUP_PER_ARTICLE // limits.MAX_MARKUP_PER_TEXT
    article = build_article(sections=sections, citations=3, claims=0)
    rows = list(article.sections.order_by("position"))
    for index, section in enumerate(rows):
        markup = "![" * (limits.MAX_MARKUP_PER_TEXT // 2) if index < costly else ""
        section.body = (markup + " plain" * length)[:length]
    Section.objects.bulk_update(rows, ["body"])
    return Article.objects.get(pk=article.pk)


class LongArticleTests(AdminTestCase):
    """An article of 60 sections, 20 claims and 200 citations."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.article = build_article(sections=60, citations=200, claims=20, related=20)

    def test_change_form_get_takes_a_fixed_number_of_queries(self):
        self.client.force_login(self.writer)
        small = build_article(sections=4, citations=4, claims=2, related=2)
        for article in (small, self.article):
            url = self.change_url(article)
            self.client.get(url)  # Sessions and content types warm up.
            with (
                self.subTest(article=article.pk),
                self.assertNumQueries(18),
            ):  # With the review panel.
                response = self.client.get(url)
        self.assertContains(response, 'name="citations-199-source"')
        self.assertContains(response, 'name="sections-59-body"')

    def test_resaving_takes_a_fixed_number_of_queries_and_keeps_everything(self):
        self.client.force_login(self.writer)
        small = build_article(sections=4, citations=4, claims=2, related=2)
        for article in (small, self.article):
            data = change_form_data(article, **{"sections-0-body": "Edited [2]."})
            ContentType.objects.clear_cache()  # The same start for each.
            # The save, its revision, and the review workflow's reopen check.
            with self.subTest(article=article.pk), self.assertNumQueries(59):
                response = self.client.post(self.change_url(article), data)
            self.assertEqual(response.status_code, 302)
        self.assertGreater(len(data), 1000)  # Django's default limit.
        self.assertEqual(self.article.sections.get(position=1).body, "Edited [2].")
        self.assertEqual(Citation.objects.filter(article=self.article).count(), 200)

    def test_resaving_twice_works(self):
        self.client.force_login(self.writer)
        for body in ("First [1].", "Second [2]."):
            data = change_form_data(self.article, **{"sections-0-body": body})
            response = self.client.post(self.change_url(self.article), data)
            self.assertEqual(response.status_code, 302)
        self.assertEqual(self.article.sections.get(position=1).body, "Second [2].")


class SourceOptionalTests(AdminTestCase):
    def test_citation_waiting_for_its_source_blocks_publishing_by_name(self):
        article = build_article(citations=1)
        CitationFactory(article=article, position=2, source=None)
        SectionFactory(article=article, position=3, body="Cites [2].")
        self.client.force_login(self.editor)

        response = self.client.get(self.admin_url("publish", article))

        self.assertContains(response, "Citation 2 has no source attached.")


class BacklinkNameTests(AdminTestCase):
    def test_backlink_name_starts_with_its_visible_text(self):
        article = published_article(sections=2, citations=1)

        response = self.client.get(article.get_absolute_url())

        self.assertContains(
            response,
            '<a href="#cite-1-2" aria-label="↑b back to citation 2 of source 1">↑b</a>',
            html=True,
        )
