"""
Stored article HTML belongs to a release (every template, the rendering
code, the version): a deploy renders again what an older one made, and a
reader's GET never writes.
"""

import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from articles.factchecks import article_page_query as page_query
from articles.factchecks import prerendered_pages as prerender
from articles.models import Publication
from tests.articles.factories import published_article


class ReleaseKeyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = published_article(slug="released", sections=2)

    def setUp(self):
        prerender.release_key.cache_clear()
        self.addCleanup(prerender.release_key.cache_clear)
        # A copy of the templates, one of which a "deploy" changes below.
        folder = self.enterContext(tempfile.TemporaryDirectory())
        self.templates = Path(folder) / "templates"
        shutil.copytree(Path(settings.BASE_DIR) / "templates", self.templates)

    def deployed(self, marker, template="_verdict.html"):
        """The templates as a deploy that changed an included one leaves them."""
        verdict = self.templates / "articles" / template
        verdict.write_text(verdict.read_text() + f"\n<p>{marker}</p>\n")
        engine = {**settings.TEMPLATES[0], "DIRS": [self.templates]}
        return override_settings(TEMPLATES=[engine])

    def rerender(self):
        out = io.StringIO()
        call_command("rerender_pages", stdout=out)
        return out.getvalue()

    def stored(self):
        return Publication.objects.get(article=self.article)

    def test_changing_an_included_template_makes_stored_pages_stale(self):
        before = prerender.release_key()
        self.assertEqual(self.stored().rendered_with, before)

        with self.deployed("New verdict box"):
            prerender.release_key.cache_clear()
            self.assertNotEqual(prerender.release_key(), before)
            self.assertIs(prerender.is_stale(self.stored()), True)

    def test_rerender_pages_renders_stale_versions_once(self):
        with self.deployed("New verdict box"):
            prerender.release_key.cache_clear()
            self.assertIn("Rendered 1 version(s)", self.rerender())
            stored = self.stored()
            self.assertEqual(stored.rendered_with, prerender.release_key())
            self.assertIn("New verdict box", stored.page_body)

            with CaptureQueriesContext(connection) as queries:
                self.assertIn("Rendered 0 version(s)", self.rerender())
            writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
            self.assertEqual(writes, [])

    def test_a_get_of_a_stale_page_serves_the_new_release_and_writes_nothing(self):
        url = self.article.get_absolute_url()
        with self.deployed("New verdict box"):
            prerender.release_key.cache_clear()
            page_query.html_cache.clear()
            with (
                self.assertLogs("articles.factchecks.prerendered_pages", "WARNING"),
                CaptureQueriesContext(connection) as queries,
            ):
                response = self.client.get(url)

            self.assertContains(response, "New verdict box")
            writes = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
            self.assertEqual(writes, [])
            self.assertIs(prerender.is_stale(self.stored()), True)

    def test_a_list_of_stale_cards_shows_the_new_release_and_writes_nothing(self):
        with self.deployed("New card", template="_card.html"):
            prerender.release_key.cache_clear()
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get("/")

            self.assertContains(response, "New card")
            writes = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
            self.assertEqual(writes, [])
            self.assertNotIn("New card", self.stored().card_html)

            self.rerender()
            self.assertIn("New card", self.stored().card_html)

    def test_the_key_names_no_file_by_where_it_is_installed(self):
        # Two processes of one release (one through a symlinked virtualenv,
        # say) must agree, or every page is stale to one of them.
        names = [name for name, _path in prerender._files()]

        self.assertTrue(names)
        self.assertFalse([n for n in names if str(settings.BASE_DIR) in n or "/." in n])
        self.assertTrue(any(n.endswith("articles/_verdict.html") for n in names))

    def test_dry_run_counts_and_changes_nothing(self):
        Publication.objects.filter(article=self.article).update(rendered_with="old")
        out = io.StringIO()

        call_command("rerender_pages", "--dry-run", stdout=out)

        self.assertIn("1 version(s) to render again", out.getvalue())
        self.assertEqual(self.stored().rendered_with, "old")
