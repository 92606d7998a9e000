import base64
import hashlib
import os
import re
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from tests.helpers import last_line_with_database_down


class HealthTests(TestCase):
    def test_healthz_answers_without_touching_the_database(self):
        with self.assertNumQueries(0):
            response = self.client.get("/healthz")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok\n")
        self.assertIn("no-cache", response["Cache-Control"])

    def test_readyz_queries_the_database(self):
        with self.assertNumQueries(1):
            response = self.client.get("/readyz")

        self.assertEqual(response.status_code, 200)

    def test_health_endpoints_refuse_posts(self):
        self.assertEqual(self.client.post("/healthz").status_code, 405)
        self.assertEqual(self.client.post("/readyz").status_code, 405)


DOWN_DATABASE_SCRIPT = """
import django
from django.test import Client
from django.test.utils import setup_test_environment
django.setup()
setup_test_environment()
client = Client()
ready = client.get("/readyz")
alive = client.get("/healthz")
print(ready.status_code, ready.content.decode().strip(), alive.status_code)
"""


class ReadinessWithDatabaseDownTests(SimpleTestCase):
    def test_readyz_answers_503_when_the_database_server_is_down(self):
        self.assertEqual(
            last_line_with_database_down(DOWN_DATABASE_SCRIPT),
            "503 database unavailable 200",
        )


class SiteShellTests(TestCase):
    def test_home_page_has_skip_link_landmarks_and_footer_pages(self):
        response = self.client.get("/")

        self.assertContains(response, '<a class="skip-link" href="#main">', html=False)
        self.assertContains(response, '<main id="main"', html=False)
        for name in ("methodology", "corrections", "funding", "team"):
            self.assertContains(response, f'href="{reverse(name)}"')

    def test_about_pages_render(self):
        for name, heading in [
            ("methodology", "How we check facts"),
            ("corrections", "Corrections policy"),
            ("funding", "Who funds us"),
            ("team", "Our team"),
        ]:
            with self.subTest(name=name):
                response = self.client.get(reverse(name))
                self.assertContains(response, f"<h1>{heading}</h1>", html=True)

    def test_unknown_url_gets_the_site_404_page(self):
        response = self.client.get("/no-such-page/")

        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "We couldn’t find that page", status_code=404)
        self.assertTemplateUsed(response, "404.html")

    def test_500_page_renders_without_a_request_context(self):
        from django.template.loader import render_to_string

        html = render_to_string("500.html")

        self.assertIn("Something went wrong on our side", html)

    def test_pages_send_a_content_security_policy(self):
        response = self.client.get("/")

        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])

    def test_inlined_stylesheets_are_allowed_by_their_hash_alone(self):
        response = self.client.get("/")

        html = response.content.decode()
        styles = re.findall(r"<style>(.*?)</style>", html, re.S)
        self.assertEqual(len(styles), 1)
        self.assertIn(":root", styles[0])  # site.css
        self.assertIn(".donation-banner", styles[0])  # donations.css
        digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest())
        policy = response["Content-Security-Policy"]
        style_src = next(d for d in policy.split(";") if "style-src" in d).split()
        self.assertEqual(
            style_src, ["style-src", "'self'", f"'sha256-{digest.decode()}'"]
        )
        self.assertNotIn("unsafe-inline", policy)
        # Nothing render-blocking left to fetch: only the print stylesheet.
        links = re.findall(r'<link rel="stylesheet"[^>]*>', html)
        self.assertEqual(len(links), 1)
        self.assertIn('media="print"', links[0])


class SettingsTests(SimpleTestCase):
    def run_settings(self, **env):
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
        }
        environ.update(env)
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "from factually import settings as s; "
                "print(s.DEBUG, s.CACHES['default']['BACKEND'], "
                "s.DATABASES['default']['ENGINE'], s.SESSION_ENGINE)",
            ],
            cwd=settings.BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_refuses_to_start_without_a_secret_key_when_debug_is_off(self):
        result = self.run_settings(DJANGO_DEBUG="0")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY must be set", result.stderr)

    def test_debug_starts_without_a_secret_key_on_sqlite_and_local_memory(self):
        result = self.run_settings(DJANGO_DEBUG="1")

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.split(),
            [
                "True",
                "django.core.cache.backends.locmem.LocMemCache",
                "django.db.backends.sqlite3",
                "django.contrib.sessions.backends.cached_db",
            ],
        )

    def test_database_and_redis_urls_select_postgresql_and_redis(self):
        result = self.run_settings(
            DJANGO_SECRET_KEY="x" * 50,
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/factually",
            REDIS_URL="redis://127.0.0.1:6379/0",
        )

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout.split()[1:3],
            [
                "factually.cache.ResilientRedisCache",
                "django.db.backends.postgresql",
            ],
        )
