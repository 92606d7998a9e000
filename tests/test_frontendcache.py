"""
Purging the frontend cache (factually/frontendcache.py): the exact requests
each backend sends, to a fake of its API on 127.0.0.1, when a publish or
another invalidation commits; and the tags pages carry.
"""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.factchecks.publishing import publish
from donations import tracker
from factually import frontendcache, pagecache
from tests.articles.factories import build_article, published_article


class FakeAPI:
    """An HTTP server on 127.0.0.1 recording what it is sent."""

    def __init__(self, status=200, body=b'{"success": true}'):
        self.requests = []
        self.status = status
        self.body = body
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                fake.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": self.headers,
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(fake.status)
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                self.wfile.write(fake.body)

            do_POST = do_PURGE = answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FrontendCacheTestCase(TestCase):
    status = 200
    body = b'{"success": true}'

    def setUp(self):
        self.api = FakeAPI(self.status, self.body)
        self.addCleanup(self.api.close)
        # The second purge, seconds later, has a test of its own.
        patcher = mock.patch.object(frontendcache, "REPURGE_AFTER", 0)
        patcher.start()
        self.addCleanup(patcher.stop)

    def fastly(self):
        return override_settings(
            FRONTEND_CACHE="fastly",
            FASTLY_SERVICE_ID="SU1Z0isxPaozGVKXdv0eY",
            FASTLY_API_TOKEN="fastly-token",
            FASTLY_API_URL=self.api.url,
        )

    def cloudflare(self):
        return override_settings(
            FRONTEND_CACHE="cloudflare",
            CLOUDFLARE_ZONE_ID="023e105f4ecef8ad9ca31a8372d0c353",
            CLOUDFLARE_API_TOKEN="cloudflare-token",
            CLOUDFLARE_API_URL=f"{self.api.url}/client/v4",
        )

    def varnish(self):
        return override_settings(FRONTEND_CACHE=f"varnish:{self.api.url}")

    def bodies(self):
        return [json.loads(request["body"]) for request in self.api.requests]


class FastlyTests(FrontendCacheTestCase):
    def test_publish_purges_the_site_tag_after_the_commit(self):
        article = build_article()
        with self.fastly():
            with self.captureOnCommitCallbacks() as callbacks:
                publish(article=article, kind="first")
            self.assertEqual(self.api.requests, [])  # Not inside the transaction.
            for callback in callbacks:
                callback()

        [request] = self.api.requests
        self.assertEqual(request["method"], "POST")
        self.assertEqual(request["path"], "/service/SU1Z0isxPaozGVKXdv0eY/purge")
        self.assertEqual(request["headers"]["Fastly-Key"], "fastly-token")
        self.assertEqual(request["headers"]["Content-Type"], "application/json")
        self.assertEqual(request["headers"]["Accept"], "application/json")
        self.assertEqual(json.loads(request["body"]), {"surrogate_keys": ["site"]})

    def test_invalidate_purges_the_paths_tags(self):
        with self.fastly(), self.captureOnCommitCallbacks(execute=True):
            pagecache.invalidate("/about/team/", "/fact-checks/a/")

        self.assertEqual(
            self.bodies(),
            [
                {
                    "surrogate_keys": [
                        frontendcache.path_tag("/about/team/"),
                        frontendcache.path_tag("/fact-checks/a/"),
                    ]
                }
            ],
        )

    def test_a_donation_purges_the_pages_hanging_on_the_tracker(self):
        with self.fastly(), self.captureOnCommitCallbacks(execute=True):
            tracker.invalidate()

        tag = frontendcache.generation_tag(tracker.GENERATION_KEY)
        self.assertEqual(self.bodies(), [{"surrogate_keys": [tag]}])
        # goal.json carries that tag, so the purge reaches it.
        response = self.client.get("/donations/goal.json")
        self.assertIn(tag, response["Cache-Tag"].split(","))

    def test_more_than_256_keys_go_in_several_requests(self):
        with self.fastly():
            frontendcache.purge([f"key-{n}" for n in range(300)])

        self.assertEqual([len(b["surrogate_keys"]) for b in self.bodies()], [256, 44])


class CloudflareTests(FrontendCacheTestCase):
    def test_invalidate_all_purges_the_site_tag(self):
        with self.cloudflare(), self.captureOnCommitCallbacks(execute=True):
            pagecache.invalidate_all()

        [request] = self.api.requests
        self.assertEqual(request["method"], "POST")
        self.assertEqual(
            request["path"],
            "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache",
        )
        self.assertEqual(request["headers"]["Authorization"], "Bearer cloudflare-token")
        self.assertEqual(request["headers"]["Content-Type"], "application/json")
        self.assertEqual(json.loads(request["body"]), {"tags": ["site"]})

    def test_the_deploy_command_purges_the_site(self):
        with self.cloudflare(), self.captureOnCommitCallbacks(execute=True):
            call_command("invalidate_page_cache", verbosity=0)

        self.assertEqual(self.bodies(), [{"tags": ["site"]}])

    def test_nothing_is_sent_when_the_transaction_rolls_back(self):
        with self.cloudflare():
            try:
                with transaction.atomic():
                    pagecache.invalidate_all()
                    raise RuntimeError("the publish failed")
            except RuntimeError:
                pass

        self.assertEqual(self.api.requests, [])


class CloudflareRefusesTests(FrontendCacheTestCase):
    body = b'{"success": false, "errors": [{"code": 10000, "message": "Auth"}]}'

    def test_a_refused_purge_is_tried_twice_logged_and_the_publish_stands(self):
        article = build_article()
        with (
            self.cloudflare(),
            self.assertLogs("factually.frontendcache", "WARNING") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            publication = publish(article=article, kind="first")

        self.assertEqual(len(self.api.requests), 2)
        self.assertEqual(article.live_publication(), publication)
        self.assertIn("ERROR", logs.output[-1])
        self.assertIn("Cloudflare refused the purge", logs.output[-1])


class VarnishTests(FrontendCacheTestCase):
    def test_purge_names_the_tags_in_xkey_purge(self):
        with self.varnish(), self.captureOnCommitCallbacks(execute=True):
            pagecache.invalidate("/fact-checks/a/")

        [request] = self.api.requests
        self.assertEqual(request["method"], "PURGE")
        self.assertEqual(request["path"], "/")
        self.assertEqual(
            request["headers"]["xkey-purge"], frontendcache.path_tag("/fact-checks/a/")
        )

    def test_a_failed_purge_is_retried_once(self):
        self.api.status = 500
        with (
            self.varnish(),
            self.assertLogs("factually.frontendcache", "WARNING") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            pagecache.invalidate_all()

        self.assertEqual(len(self.api.requests), 2)
        self.assertIn("answered 500", logs.output[0])

    def test_each_purge_is_sent_again_shortly_after(self):
        with mock.patch.object(frontendcache, "REPURGE_AFTER", 0.05), self.varnish():
            with self.captureOnCommitCallbacks(execute=True):
                pagecache.invalidate_all()
            self.assertEqual(len(self.api.requests), 1)
            deadline = time.monotonic() + 5
            while len(self.api.requests) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)

        self.assertEqual(
            [r["headers"]["xkey-purge"] for r in self.api.requests], ["site"] * 2
        )

    def test_a_scheduled_publication_purges_at_its_time(self):
        moment = timezone.now() + datetime.timedelta(hours=2)
        with self.varnish(), self.captureOnCommitCallbacks(execute=True):
            pagecache.invalidate_all(at=moment)

        self.assertEqual(self.api.requests, [])
        task = DBTaskResult.objects.get(task_path="factually.tasks.purge_tags")
        self.assertEqual(task.run_after, moment)
        self.assertEqual(task.args_kwargs["args"], [["site"]])


class OffByDefaultTests(FrontendCacheTestCase):
    def test_no_frontend_cache_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            published_article()
            pagecache.invalidate_all()
            pagecache.invalidate("/")

        self.assertEqual(self.api.requests, [])


class TagTests(TestCase):
    def test_every_public_page_carries_the_site_and_path_tags(self):
        article = published_article()
        for path in (article.get_absolute_url(), "/", "/feed/", "/no-such-page/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                tags = response["Cache-Tag"].split(",")
                self.assertIn("site", tags)
                self.assertIn(frontendcache.path_tag(path), tags)
                self.assertEqual(response["Surrogate-Key"].split(" "), tags)

    def test_a_fact_check_keeps_its_own_tag(self):
        article = published_article()
        response = self.client.get(article.get_absolute_url())
        self.assertIn(f"fact-check-{article.slug}", response["Cache-Tag"].split(","))

    def test_private_responses_carry_no_tags(self):
        response = self.client.get("/admin/login/")
        self.assertNotIn("Cache-Tag", response)
        self.assertNotIn("Surrogate-Key", response)


class ConfigurationCheckTests(TestCase):
    def check(self):
        return [error.id for error in frontendcache.check_configuration()]

    def test_fastly_without_its_keys_is_an_error(self):
        with override_settings(FRONTEND_CACHE="fastly", FASTLY_API_TOKEN=""):
            self.assertEqual(self.check(), ["factually.E001"])

    def test_varnish_without_an_address_is_an_error(self):
        with override_settings(FRONTEND_CACHE="varnish"):
            self.assertEqual(self.check(), ["factually.E001"])

    def test_an_unknown_backend_is_an_error(self):
        with override_settings(FRONTEND_CACHE="akamai"):
            self.assertEqual(self.check(), ["factually.E001"])

    def test_off_and_complete_configurations_pass(self):
        for value in ("", "varnish:http://127.0.0.1:6081"):
            with self.subTest(value=value), override_settings(FRONTEND_CACHE=value):
                self.assertEqual(self.check(), [])
