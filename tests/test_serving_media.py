"""
Social cards on every server: two app servers that share no disk (each its
own empty MEDIA_ROOT) and the database, behind the shipped nginx; the card
a publish drew answers 200 from either, and through nginx.
"""

import os
import re
import shutil
import tempfile
import unittest
from pathlib import Path

from django.test import SimpleTestCase

from tests import servers
from tests.test_serving_servers import article_paths, demo_database

IN_CI = os.environ.get("CI") == "true"
HOST = "factually.test"


class MediaOnEveryServerTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not shutil.which("nginx"):
            if IN_CI:
                raise AssertionError("nginx is missing (.ci/run installs it).")
            raise unittest.SkipTest("needs nginx")
        folder = Path(tempfile.mkdtemp(prefix="factually-media-"))
        cls.addClassCleanup(shutil.rmtree, folder, ignore_errors=True)
        database_url = demo_database(folder)
        cls.apps = []
        for name in ("first", "second"):
            media = folder / f"media-{name}"
            media.mkdir()
            env = servers.base_env(DATABASE_URL=database_url, MEDIA_ROOT=str(media))
            cls.apps.append(cls.enterClassContext(servers.gunicorn(env=env)))
        (folder / "nginx").mkdir()
        cls.nginx = cls.enterClassContext(
            servers.nginx(
                upstreams=[app.port for app in cls.apps], prefix=folder / "nginx"
            )
        )

    def card_path(self):
        _, _, home = self.nginx.get("/", host=HOST)
        _, _, page = self.nginx.get(article_paths(home)[0].decode(), host=HOST)
        image = re.search(rb'<meta property="og:image" content="([^"]+)">', page)[1]
        return re.sub(r"^https?://[^/]+", "", image.decode())

    def test_og_image_answers_200_through_nginx_and_from_each_server(self):
        path = self.card_path()
        self.assertTrue(path.startswith("/media/social/"), path)

        for server in (self.nginx, *self.apps):
            with self.subTest(port=server.port):
                status, headers, body = server.get(path, host=HOST)
                self.assertEqual(status, 200)
                self.assertEqual(headers["Content-Type"], "image/png")
                self.assertTrue(body.startswith(b"\x89PNG"))
                self.assertEqual(
                    headers["Cache-Control"], "public, max-age=31536000, immutable"
                )
        _, headers, _ = self.nginx.get(path, host=HOST)
        self.assertEqual(headers["X-Proxy-Cache"], "HIT")

    def test_a_missing_card_answers_404(self):
        status, _, _ = self.nginx.get("/media/social/no-such-card.png", host=HOST)
        self.assertEqual(status, 404)
