import os
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase


class SiteURLSettingTests(SimpleTestCase):
    """SITE_URL as the settings module computes it from the environment."""

    def site_url(self, **env):
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
            and key not in {"SITE_URL", "BIND", "ALLOWED_HOSTS"}
        }
        environ.update(env)
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from factually import settings as s; print(s.SITE_URL)",
            ],
            cwd=settings.BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def test_debug_follows_bind(self):
        self.assertEqual(
            self.site_url(DJANGO_DEBUG="1", BIND="127.0.0.1:8123"),
            "http://127.0.0.1:8123",
        )

    def test_debug_without_bind_is_runservers_default(self):
        self.assertEqual(self.site_url(DJANGO_DEBUG="1"), "http://127.0.0.1:8000")

    def test_debug_bind_on_every_interface_links_to_loopback(self):
        self.assertEqual(
            self.site_url(DJANGO_DEBUG="1", BIND="0.0.0.0:8123"),
            "http://127.0.0.1:8123",
        )

    def test_debug_bind_as_a_bare_port(self):
        self.assertEqual(
            self.site_url(DJANGO_DEBUG="1", BIND="8123"), "http://127.0.0.1:8123"
        )

    def test_site_url_set_wins_over_bind(self):
        self.assertEqual(
            self.site_url(
                DJANGO_DEBUG="1",
                BIND="127.0.0.1:8123",
                SITE_URL="http://factually.test:9000",
            ),
            "http://factually.test:9000",
        )

    def test_production_ignores_bind(self):
        self.assertEqual(
            self.site_url(
                DJANGO_DEBUG="0",
                DJANGO_SECRET_KEY="x" * 50,
                ALLOWED_HOSTS="factually.example,www.factually.example",
                BIND="127.0.0.1:8123",
            ),
            "https://factually.example",
        )
