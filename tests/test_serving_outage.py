"""
Invalidations survive a Redis outage: each is recorded in the database in
the transaction of the change, and every process reads that record, so a
page Redis still holds from before an invalidation it never heard of is not
served once Redis is back.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings

from factually import pagecache
from factually.models import Invalidation
from factually.pagecache import durable
from tests import servers
from tests.articles.factories import build_article, published_article

# Serving, not the review: each draft edited in code is published approved.
from tests.articles.factories import publish_approved as publish

IN_CI = os.environ.get("CI") == "true"


class RecordedInvalidationTests(TestCase):
    def setUp(self):
        durable.state.generation, durable.state.moments = None, ()
        self.addCleanup(setattr, durable.state, "generation", None)
        self.addCleanup(setattr, durable.state, "moments", ())

    def test_every_invalidation_is_recorded_in_the_changes_transaction(self):
        before = Invalidation.objects.count()

        edit = build_article(title="Fact check: Is it recorded?")
        publish(article=edit, kind="first")

        self.assertGreater(Invalidation.objects.count(), before)

    def test_a_page_cached_before_an_invalidation_redis_missed_is_not_served(self):
        url = published_article(slug="missed").get_absolute_url()
        durable.state.refresh()
        self.client.get(url)
        self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")

        # Recorded in the database, but its bump never reached the cache.
        Invalidation.objects.create()
        durable.state.refresh()

        self.assertEqual(self.client.get(url)["X-Page-Cache"], "miss")
        self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")

    def test_the_first_request_applies_a_missed_invalidation_for_everyone(self):
        url = published_article(slug="behind").get_absolute_url()
        durable.state.refresh()
        self.client.get(url)
        before = pagecache.site_generation()
        Invalidation.objects.create()
        durable.state.refresh()

        self.client.get(url)

        # The site generation (and so every ETag) moved, and the cache now
        # says it has applied what the database recorded.
        self.assertGreater(pagecache.site_generation(), before)
        self.assertEqual(cache.get(durable.KEY), durable.state.generation)

    def test_reading_the_record_is_off_the_request_path(self):
        url = published_article(slug="free").get_absolute_url()
        durable.state.refresh()
        self.client.get(url)

        with self.assertNumQueries(0):
            self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")


class RedisServer:
    """A redis-server of the test's own, on a free port, that keeps its data."""

    def __init__(self, folder):
        self.port = servers.free_port()
        self.folder = folder
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.folder),
                "--save", "",
                "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not servers.redis_reachable(self.url):
            if time.monotonic() > deadline:
                raise AssertionError("redis-server did not start.")
            time.sleep(0.05)

    def stop(self):
        """Stop, keeping what it held (as a Redis restarted from its snapshot)."""
        import redis

        # It closes the connection as it goes.
        with contextlib.suppress(redis.ConnectionError):
            redis.Redis.from_url(self.url).shutdown(save=True)
        self.process.wait(timeout=10)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


class RedisOutageTests(TransactionTestCase):
    """A real Redis stopped and started under a real app server."""

    def test_no_page_older_than_the_last_publish_after_redis_returns(self):
        if not shutil.which("redis-server"):
            if IN_CI:
                raise AssertionError("redis-server is missing.")
            raise unittest.SkipTest("needs redis-server")
        if connection.vendor != "postgresql":
            raise unittest.SkipTest("the app server needs the test's PostgreSQL")
        folder = Path(tempfile.mkdtemp(prefix="factually-redis-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        redis_server = RedisServer(folder)
        redis_server.start()
        self.addCleanup(
            lambda: redis_server.process.poll() is None and redis_server.stop()
        )
        database = connection.settings_dict
        env = servers.base_env(
            DATABASE_URL=(
                f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}"
                f":{database['PORT'] or 5432}/{database['NAME']}"
            ),
            REDIS_URL=redis_server.url,
        )
        caches = {
            "default": {
                "BACKEND": "factually.cache.ResilientRedisCache",
                "LOCATION": redis_server.url,
            }
        }
        article = build_article(title="Fact check: What did the first version say?")
        with override_settings(CACHES=caches):
            path = publish(article=article, kind="first").get_absolute_url()
        with servers.gunicorn(env=env) as server:
            server.get(path)
            _, headers, body = server.get(path)
            self.assertEqual(headers["X-Page-Cache"], "hit")
            self.assertIn(b"first version", body)

            redis_server.stop()
            article.title = "Fact check: What did the second version say?"
            article.save()
            with override_settings(CACHES=caches):
                publish(article=article, kind="update", note="Sharper.")
            # Served from the database meanwhile.
            _, _, body = server.get(path)
            self.assertIn(b"second version", body)

            redis_server.start()
            back = time.monotonic()
            stale = []
            while (elapsed := time.monotonic() - back) < 3:
                _, headers, body = server.get(path)
                if b"first version" in body:
                    stale.append((round(elapsed, 2), headers["X-Page-Cache"]))
                time.sleep(0.02)
            _, headers, _ = server.get(path)

        # Nothing stale past one second after Redis returned (none at all,
        # since the server read the record while Redis was away).
        self.assertEqual([s for s in stale if s[0] > 1], [])
        self.assertEqual(stale, [])
        self.assertEqual(headers["X-Page-Cache"], "hit")
