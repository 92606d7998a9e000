"""
A real Varnish with the shipped deploy/varnish.vcl in front of a real app
server (gunicorn, production settings, the demo site on SQLite and the
shared Redis): hits never reach Django, a publish purges the page by tag
within a second, and social cards are served through it.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

from django.test import SimpleTestCase

from tests import servers
from tests.test_serving_servers import article_paths, demo_database

IN_CI = os.environ.get("CI") == "true"
HOST = "factually.test"

PUBLISH = """
import time
from articles.models import Article
from articles.factchecks.publishing import publish
from tests.articles.factories import approve_as_is

article = Article.objects.get(slug={slug!r})
article.title = {title!r}
article.save()
approve_as_is(article)
publish(article=article, kind="update", note="Asked a sharper question.")
print("published at", time.time(), flush=True)
"""


class VarnishTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not shutil.which("varnishd"):
            if IN_CI:
                raise AssertionError("varnishd is missing (.ci/run installs it).")
            raise unittest.SkipTest("needs varnishd (apt-get install varnish)")
        redis_url = servers.redis_url()
        if not servers.redis_reachable(redis_url):
            if IN_CI:
                raise AssertionError(f"Redis is not reachable at {redis_url}.")
            raise unittest.SkipTest(f"needs Redis at {redis_url}")
        folder = Path(tempfile.mkdtemp(prefix="factually-varnish-"))
        cls.addClassCleanup(shutil.rmtree, folder, ignore_errors=True)
        database_url = demo_database(folder)
        port = servers.free_port()
        env = servers.base_env(DATABASE_URL=database_url, REDIS_URL=redis_url)
        # Nothing an earlier run cached under this host may answer for it.
        servers.manage("invalidate_page_cache", env=env)
        # Whoever publishes purges this Varnish.
        cls.env = {**env, "FRONTEND_CACHE": f"varnish:http://127.0.0.1:{port}"}
        cls.access_log = folder / "access.log"
        cls.app = cls.enterClassContext(
            servers.gunicorn(env=cls.env, access_log=cls.access_log)
        )
        (folder / "varnish").mkdir()
        cls.varnish = cls.enterClassContext(
            servers.varnish(
                backend_port=cls.app.port, prefix=folder / "varnish", port=port
            )
        )
        _, _, home = cls.varnish.get("/", host=HOST)
        cls.articles = [path.decode() for path in article_paths(home)]

    def get(self, path):
        return self.varnish.get(path, host=HOST)

    def requests_to_the_app(self):
        # gunicorn logs a request just after answering it.
        time.sleep(0.3)
        return len(self.access_log.read_text().splitlines())

    def test_second_get_is_a_hit_that_never_reaches_the_app(self):
        path = self.articles[1]  # A page no other test asks for.
        status, headers, first = self.get(path)
        self.assertEqual(status, 200)
        self.assertEqual(headers["X-Cache"], "MISS")
        self.assertIn("site", headers["Cache-Tag"].split(","))
        self.assertNotIn("xkey", headers)
        time.sleep(1)  # So that Age counts a second.
        before = self.requests_to_the_app()

        status, headers, second = self.get(path)

        self.assertEqual(status, 200)
        self.assertEqual(second, first)
        self.assertEqual(headers["X-Cache"], "HIT")
        self.assertEqual(len(headers["X-Varnish"].split()), 2, headers["X-Varnish"])
        self.assertGreater(int(headers["Age"]), 0)
        self.assertEqual(self.requests_to_the_app(), before)

    def test_requests_with_a_session_cookie_are_passed_to_the_app(self):
        path = self.articles[0]
        self.get(path)
        before = self.requests_to_the_app()

        status, headers, _ = self.varnish.get(
            path, host=HOST, headers={"Cookie": "sessionid=abc"}
        )

        self.assertEqual(status, 200)
        self.assertEqual(headers["X-Cache"], "MISS")
        self.assertEqual(self.requests_to_the_app(), before + 1)

    def test_purge_from_elsewhere_than_the_acl_is_refused(self):
        # The ACL admits 127.0.0.1; a PURGE without tags is a clear 400.
        status, _, _ = servers.request(self.varnish.port, "PURGE", "/", host=HOST)
        self.assertEqual(status, 400)

    def test_publish_makes_the_purged_page_fresh_within_a_second(self):
        path = self.articles[-1]
        slug = path.strip("/").split("/")[-1]
        title = "Fact check: What did Varnish keep before the purge?"
        self.get(path)
        _, headers, body = self.get(path)
        self.assertEqual(headers["X-Cache"], "HIT")
        self.assertNotIn(title.encode(), body)

        publisher = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                PUBLISH.format(slug=slug, title=title),
            ],
            cwd=servers.ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seen = []
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                _, headers, body = self.get(path)
                fresh_at = time.time()
                seen.append(headers["X-Cache"])
                if title.encode() in body:
                    break
                time.sleep(0.02)
            else:
                self.fail(f"Never fresh through Varnish: {seen[-10:]}")
            output, errors = publisher.communicate(timeout=60)
        finally:
            if publisher.poll() is None:
                publisher.kill()
                publisher.wait()
        self.assertEqual(publisher.returncode, 0, errors)
        published_at = float(re.search(r"published at ([0-9.]+)", output)[1])

        late = fresh_at - published_at
        print(f"\nVarnish served the new version {max(late, 0):.3f} s after publish()")
        self.assertLess(late, 1.0)
        # The new version is cached in its turn (once the second purge,
        # two seconds on, has passed too).
        self.get(path)
        _, headers, body = self.get(path)
        self.assertEqual(headers["X-Cache"], "HIT")
        self.assertIn(title.encode(), body)

    def test_social_card_answers_200_through_varnish(self):
        _, _, page = self.get(self.articles[0])
        image = re.search(rb'<meta property="og:image" content="([^"]+)">', page)[1]
        path = re.sub(r"^https?://[^/]+", "", image.decode())
        self.assertTrue(path.startswith("/media/social/"), path)

        status, headers, body = self.get(path)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "image/png")
        self.assertTrue(body.startswith(b"\x89PNG"))
        self.assertIn("immutable", headers["Cache-Control"])
        _, headers, _ = self.get(path)
        self.assertEqual(headers["X-Cache"], "HIT")
