"""
Serving readers with real server processes: gunicorn with the production
settings when Redis or PostgreSQL is down, and two app servers behind the
shipped nginx configuration behaving as one site.
"""

import gzip
import json
import os
import re
import shutil
import tempfile
import threading
import time
import unittest
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import brotli
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase

from factually import pagecache
from tests import servers
from tests.articles.factories import build_article

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.donations import events
from tests.donations.factories import CampaignFactory

IN_CI = os.environ.get("CI") == "true"


def demo_database(folder):
    """An SQLite database with the demo content, in `folder`."""
    url = f"sqlite:///{folder}/demo.sqlite3"
    env = servers.base_env(DATABASE_URL=url)
    servers.manage("migrate", "--noinput", "-v0", env=env)
    servers.manage("load_demo", env=env)
    return url


def article_paths(body):
    return sorted(set(re.findall(rb'href="(/fact-checks/[^"/]+/)"', body)))


def shared_redis_or_skip(test):
    url = servers.redis_url()
    if not servers.redis_reachable(url):
        if IN_CI:
            raise AssertionError(f"Redis is not reachable at {url}.")
        raise unittest.SkipTest(f"needs Redis at {url}")
    return url


class DemoSiteTestCase(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix="factually-serving-")
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        cls.database_url = demo_database(cls.folder)


class RedisDownTests(DemoSiteTestCase):
    def test_pages_are_served_from_the_database_while_redis_is_down(self):
        env = servers.base_env(
            DATABASE_URL=self.database_url,
            REDIS_URL=f"redis://127.0.0.1:{servers.NOTHING_LISTENS}/0",
        )
        with servers.gunicorn(env=env) as server:
            status, _, home = server.get("/")
            self.assertEqual(status, 200)
            self.assertIn(b"Goal: 1,000 supporters", home)
            article = article_paths(home)[0].decode()
            for path, expected in [
                (article, 200),
                (article, 200),
                ("/about/team/", 200),
                ("/donations/goal.json", 200),
                ("/feed/", 200),
                ("/no-such-page/", 404),
            ]:
                with self.subTest(path=path):
                    status, headers, _ = server.get(path)
                    self.assertEqual(status, expected)
                    self.assertEqual(headers["X-Page-Cache"], "miss")

            status, _, ready = server.get("/readyz")
            self.assertEqual(status, 200)
            self.assertIn(b"cache degraded", ready)
            output = server.output()

        # Many failures, one line in the log (per interval, per process).
        self.assertEqual(output.count("Cache unavailable"), 1, output)
        self.assertNotIn("Internal Server Error", output)


class DatabaseDownTests(DemoSiteTestCase):
    def test_cached_pages_are_served_and_the_rest_answer_503(self):
        redis_url = shared_redis_or_skip(self)
        up = servers.base_env(DATABASE_URL=self.database_url, REDIS_URL=redis_url)
        down = servers.base_env(
            DATABASE_URL=(
                f"postgres://postgres@127.0.0.1:{servers.NOTHING_LISTENS}/factually"
            ),
            REDIS_URL=redis_url,
        )
        host = "factually.test"
        # Nothing an earlier run cached under this host may answer for it.
        retired = servers.manage("invalidate_page_cache", env=up)
        self.assertIn("Retired every cached page.", retired)
        with servers.gunicorn(env=up) as healthy:
            _, _, home = healthy.get("/", host=host)
            cached, uncached = [p.decode() for p in article_paths(home)[:2]]
            healthy.get(cached, host=host)
            status, headers, page = healthy.get(cached, host=host)
            self.assertEqual(headers["X-Page-Cache"], "hit")

        with servers.gunicorn(env=down) as server:
            status, headers, body = server.get(cached, host=host)
            self.assertEqual(status, 200)
            self.assertEqual(headers["X-Page-Cache"], "hit")
            self.assertEqual(body, page)
            status, headers, _ = servers.request(server.port, "HEAD", cached, host=host)
            self.assertEqual(status, 200)

            status, headers, body = server.get(uncached, host=host)
            self.assertEqual(status, 503)
            self.assertEqual(headers["Retry-After"], "30")
            self.assertIn("no-cache", headers["Cache-Control"])
            self.assertIn(b"back in a moment", body)

            payload = json.dumps(events.checkout_completed(payment_intent="pi_down"))
            status, headers, body = server.post(
                "/donations/stripe/webhook/",
                host=host,
                body=payload,
                headers={
                    "Content-Type": "application/json",
                    "Stripe-Signature": events.signature(payload),
                },
            )
            self.assertEqual(status, 503, body)
            self.assertIn("Retry-After", headers)

            status, _, _ = server.get("/readyz")
            self.assertEqual(status, 503)
            server.get("/about/methodology/?again", host=host)
            output = server.output()

        self.assertEqual(output.count("answering GET"), 1, output)
        self.assertNotIn("Internal Server Error", output)


needs_postgresql = unittest.skipUnless(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    "two app servers share a database: needs DATABASE_URL on PostgreSQL",
)


def cookie_header(headers):
    cookies = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    return cookies


@needs_postgresql
class TwoAppServersTests(TransactionTestCase):
    """Two gunicorns behind nginx, on one PostgreSQL and one Redis."""

    host = "factually.test"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.environ.get("REDIS_URL"):
            if IN_CI:
                raise AssertionError("CI runs this with REDIS_URL set.")
            raise unittest.SkipTest("needs REDIS_URL: the servers share its cache")
        if not shutil.which("nginx"):
            if IN_CI:
                raise AssertionError("nginx is missing (.ci/run installs it).")
            raise unittest.SkipTest("needs nginx")
        database = connection.settings_dict
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        env = servers.base_env(
            DATABASE_URL=(
                f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}"
                f":{database['PORT'] or 5432}/{database['NAME']}"
            ),
            REDIS_URL=os.environ["REDIS_URL"],
            DJANGO_BEHIND_PROXY="1",
        )
        prefix = Path(tempfile.mkdtemp(prefix="factually-nginx-"))
        cls.addClassCleanup(shutil.rmtree, prefix, ignore_errors=True)
        cls.first = cls.enterClassContext(servers.gunicorn(env=env))
        cls.second = cls.enterClassContext(servers.gunicorn(env=env))
        cls.nginx = cls.enterClassContext(
            servers.nginx(upstreams=[cls.first.port, cls.second.port], prefix=prefix)
        )

    def get(self, server, path, **headers):
        status, response_headers, body = server.get(
            path, host=self.host, headers=headers
        )
        return status, response_headers, body

    def eventually(self, server, path, wanted, seconds):
        """Seconds until `wanted` is in the page at `path`; fails after `seconds`."""
        started = time.monotonic()
        seen = []
        while True:
            _, headers, body = self.get(server, path)
            elapsed = time.monotonic() - started
            seen.append((round(elapsed, 2), headers.get("X-Proxy-Cache")))
            if wanted in body:
                return elapsed
            if elapsed > seconds:
                self.fail(f"{path} still lacked {wanted!r} after {seconds} s: {seen}")
            time.sleep(0.05)

    def test_publish_is_served_by_every_server_at_once(self):
        article = build_article(title="Fact check: What did the first version say?")
        path = publish(article=article, kind="first").get_absolute_url()
        pagecache.invalidate_all()

        status, headers, body = self.get(self.first, path)
        self.assertEqual(status, 200)
        self.assertIn(b"What did the first version say?", body)
        self.assertEqual(headers["X-Page-Cache"], "miss")
        # The other server finds the page the first one rendered.
        _, headers, _ = self.get(self.second, path)
        self.assertEqual(headers["X-Page-Cache"], "hit")
        self.get(self.nginx, path)

        article.title = "Fact check: What did the second version say?"
        article.save()
        publish(article=article, kind="update", note="Asked a sharper question.")
        pagecache.invalidate(path)

        # Each server drops its in-memory copy when the invalidation is
        # announced over Redis: within milliseconds.
        for server in (self.first, self.second):
            self.assertLess(
                self.eventually(server, path, b"second version", 0.25), 0.25
            )
            _, _, body = self.get(server, path)
            self.assertNotIn(b"What did the first version say?", body)
        # nginx keeps no pages: through it too, at once.
        self.assertLess(
            self.eventually(self.nginx, path, b"second version", 0.25), 0.25
        )

    def test_no_superseded_page_through_nginx_past_one_second_under_load(self):
        article = build_article(title="Fact check: What did revision 0 say?")
        path = publish(article=article, kind="first").get_absolute_url()
        revision_in = re.compile(rb"What did revision (\d+) say\?")
        published, readings, errors = [(time.monotonic(), 0)], [], []
        stop = time.monotonic() + 7

        def reader():
            while time.monotonic() < stop:
                started = time.monotonic()
                status, _, body = self.get(self.nginx, path)
                found = revision_in.search(body)
                if status != 200 or found is None:
                    errors.append(status)
                    continue
                readings.append((started, int(found[1])))

        threads = [threading.Thread(target=reader) for _ in range(6)]
        for thread in threads:
            thread.start()
        for revision in range(1, 6):
            time.sleep(1)
            article.title = f"Fact check: What did revision {revision} say?"
            article.save()
            publish(article=article, kind="update", note=f"Revision {revision}.")
            published.append((time.monotonic(), revision))
        for thread in threads:
            thread.join()

        # How long after a publish returned a reader still got an older page.
        staleness = [
            started - max(t for t, r in published if t <= started)
            for started, seen in readings
            if seen < max(r for t, r in published if t <= started)
        ]
        print(
            f"nginx under load: {len(readings)} readings, {len(staleness)} stale, "
            f"longest {max(staleness, default=0):.3f} s after a publish returned"
        )
        self.assertEqual(errors, [])
        self.assertGreater(len(readings), 100)
        self.assertLessEqual(max(staleness, default=0), 1.0)

    def test_donation_through_one_server_moves_the_counter_on_both(self):
        CampaignFactory(is_current=True)
        for server in (self.first, self.second, self.first, self.second):
            _, _, body = self.get(server, "/donations/goal.json")
            self.assertEqual(json.loads(body)["supporters"], 0)
        self.get(self.nginx, "/donations/goal.json")

        payload = json.dumps(events.checkout_completed(payment_intent="pi_two"))
        status, _, body = self.first.post(
            "/donations/stripe/webhook/",
            host=self.host,
            body=payload,
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": events.signature(payload),
            },
        )
        self.assertEqual(status, 200, body)
        self.assertTrue(body.startswith(b"recorded"), body)

        for server in (self.second, self.first):
            _, headers, body = self.get(server, "/donations/goal.json")
            self.assertEqual(json.loads(body)["supporters"], 1)
        self.eventually(
            self.nginx, "/donations/goal.json", b'"supporters": 1', seconds=3
        )

    def login_form(self, server):
        """A CSRF cookie and the login form's token from `server`."""
        _, headers, form = self.get(server, "/admin/login/")
        cookie = cookie_header(headers)["csrftoken"].value
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        return cookie, token.decode()

    def log_in(self, server, username, password, *, csrf, headers=None):
        cookie, token = csrf
        return server.post(
            "/admin/login/?next=/admin/",
            host=self.host,
            body=urllib.parse.urlencode(
                {
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": token,
                    "next": "/admin/",
                }
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
                **(headers or {}),
            },
        )

    def test_a_client_naming_new_addresses_through_nginx_is_still_locked_out(self):
        User.objects.create_user(
            "editor", password="a long enough password", is_staff=True
        )
        csrf = self.login_form(self.nginx)
        # One guess per username, so only the address lockout can stop them,
        # each claiming to come from somewhere new.
        statuses = [
            self.log_in(
                self.nginx,
                f"guess{number}",
                "wrong",
                csrf=csrf,
                headers={
                    "X-Real-IP": f"198.51.100.{number}",
                    "X-Forwarded-For": f"192.0.2.{number}",
                },
            )[0]
            for number in range(settings.AXES_FAILURE_LIMIT)
        ]
        # The form again after each wrong password; the last one locks out.
        self.assertEqual(statuses, [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429])

        status, _, body = self.log_in(
            self.nginx,
            "editor",
            "a long enough password",
            csrf=csrf,
            headers={"X-Real-IP": "203.0.113.99", "X-Forwarded-For": "203.0.113.99"},
        )

        self.assertEqual(status, 429, body)
        self.assertIn(b"Too many failed logins", body)
        # nginx told the app the address it saw, whatever the client said.
        self.assertEqual(
            set(AccessAttempt.objects.values_list("ip_address", flat=True)),
            {"127.0.0.1"},
        )

    def test_staff_session_made_on_one_server_works_on_the_other(self):
        writer = User.objects.create_user(
            "writer", password="a long enough password", is_staff=True
        )
        writer.user_permissions.add(Permission.objects.get(codename="view_article"))
        _, headers, form = self.get(self.first, "/admin/login/")
        csrf_cookie = cookie_header(headers)["csrftoken"].value
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]

        status, headers, _ = self.first.post(
            "/admin/login/?next=/admin/",
            host=self.host,
            body=urllib.parse.urlencode(
                {
                    "username": "writer",
                    "password": "a long enough password",
                    "csrfmiddlewaretoken": token.decode(),
                    "next": "/admin/",
                }
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf_cookie}",
            },
        )
        self.assertEqual(status, 302)
        session = cookie_header(headers)["sessionid"].value
        cookie = f"sessionid={session}; csrftoken={csrf_cookie}"

        for server in (self.second, self.nginx):
            status, headers, body = self.get(server, "/admin/", Cookie=cookie)
            self.assertEqual(status, 200)
            self.assertIn(b"writer", body)
            self.assertIn(b"Fact checks", body)
        # Staff pages pass nginx by (it keeps no pages at all).
        self.assertNotIn("X-Proxy-Cache", headers)
        # Without the cookie the admin asks for a login on either server.
        status, headers, _ = self.get(self.second, "/admin/")
        self.assertEqual(status, 302)
        self.assertIn("/admin/login/", headers["Location"])

    def test_nginx_compresses_and_serves_static_files_itself(self):
        CampaignFactory(is_current=True)  # The banner, and its script.
        article = build_article(title="Fact check: What does nginx send?")
        path = publish(article=article, kind="first").get_absolute_url()
        pagecache.invalidate_all()

        # Brotli where Debian's modules are installed (.ci/run installs them).
        encoding = "br" if servers.nginx_config().brotli_available() else "gzip"
        decompress = brotli.decompress if encoding == "br" else gzip.decompress

        _, plain_headers, plain = self.get(self.nginx, path)
        status, headers, body = self.get(
            self.nginx, path, **{"Accept-Encoding": encoding}
        )
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Encoding"], encoding)
        self.assertEqual(decompress(body), plain)
        self.assertIn("public", plain_headers["Cache-Control"])
        self.assertIn("s-maxage", plain_headers["Cache-Control"])
        # nginx keeps no pages of its own: the app's page cache does.
        self.assertNotIn("X-Proxy-Cache", headers)

        # The stylesheets are inlined (factually/stylesheets.py); the
        # banner's script is a static file the page names.
        script = re.search(rb'src="(/static/js/donations\.[0-9a-f]{12}\.js)"', plain)
        self.assertIsNotNone(script)
        status, headers, body = self.get(
            self.nginx, script[1].decode(), **{"Accept-Encoding": "gzip, br"}
        )
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Encoding"], encoding)
        self.assertIn("immutable", headers["Cache-Control"])
        self.assertNotIn("X-Proxy-Cache", headers)
