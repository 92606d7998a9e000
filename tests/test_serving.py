"""
Serving readers: the page cache, Cache-Control, compression, the 503 page
and a cache that degrades. In-process; tests/test_serving_servers.py runs
the same against real server processes.
"""

import datetime
import gzip
import logging
import os
import threading
import time
import unittest
from datetime import timedelta
from unittest import mock

import brotli
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache, caches
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from donations import tracker
from factually import pagecache
from factually.cache import CacheHealth, ResilientRedisCache
from tests import serving_urls
from tests.articles.factories import (
    AuthorFactory,
    TopicFactory,
    build_article,
    published_article,
)

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.donations.factories import (
    BannerMessageFactory,
    CampaignFactory,
    DonationFactory,
    fundraiser,
)

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


def committed(test):
    """Run the on-commit callbacks (the invalidations) a TestCase holds back."""
    return test.captureOnCommitCallbacks(execute=True)


@override_settings(ROOT_URLCONF="tests.serving_urls")
class PageCacheTests(TestCase):
    def setUp(self):
        serving_urls.calls.clear()

    def test_second_anonymous_request_is_served_from_the_cache(self):
        first = self.client.get("/public/")
        with self.assertNumQueries(0):
            second = self.client.get("/public/")

        self.assertEqual(first["X-Page-Cache"], "miss")
        self.assertEqual(second["X-Page-Cache"], "hit")
        self.assertEqual(second.content, first.content)
        self.assertEqual(second["Content-Type"], "text/html; charset=utf-8")
        self.assertEqual(second["Cache-Tag"], first["Cache-Tag"])
        self.assertEqual(second["Cache-Tag"].split(",")[0], "article-12")
        self.assertEqual(second["ETag"], first["ETag"])
        self.assertEqual(len(serving_urls.calls), 1)

    def test_hit_is_turned_into_a_304_for_a_current_copy(self):
        etag = self.client.get("/public/")["ETag"]

        response = self.client.get("/public/", headers={"If-None-Match": etag})

        self.assertEqual(response.status_code, 304)
        self.assertEqual(response["ETag"], etag)
        self.assertEqual(len(serving_urls.calls), 1)

    def test_head_is_answered_from_the_get_entry_with_the_same_validators(self):
        get = self.client.get("/public/")

        head = self.client.head("/public/")

        self.assertEqual(head["X-Page-Cache"], "hit")
        self.assertEqual(head["ETag"], get["ETag"])
        self.assertEqual(head["Content-Length"], str(len(get.content)))
        self.assertEqual(head.content, b"")

    def test_invalidating_a_path_retires_it_with_every_query_string(self):
        self.client.get("/public/")
        self.client.get("/public/?page=2")
        self.client.get("/other/")

        with committed(self):
            pagecache.invalidate("/public/")

        self.assertEqual(self.client.get("/public/")["X-Page-Cache"], "miss")
        self.assertEqual(self.client.get("/public/?page=2")["X-Page-Cache"], "miss")
        self.assertEqual(self.client.get("/other/")["X-Page-Cache"], "hit")

    def test_query_string_is_part_of_the_key(self):
        self.client.get("/public/?page=2")

        response = self.client.get("/public/?page=3")

        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertContains(response, "public page=3")

    def test_invalidate_all_retires_every_page(self):
        self.client.get("/public/")
        self.client.get("/other/")

        with committed(self):
            pagecache.invalidate_all()

        self.assertEqual(self.client.get("/public/")["X-Page-Cache"], "miss")
        self.assertEqual(self.client.get("/other/")["X-Page-Cache"], "miss")

    def test_invalidation_waits_for_the_transaction_to_commit(self):
        self.client.get("/public/")

        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            pagecache.invalidate("/public/")
            # Not committed yet: a reader still gets the published page.
            during = self.client.get("/public/")

        self.assertEqual(during["X-Page-Cache"], "hit")
        self.assertEqual(len(callbacks), 1)
        callbacks[0]()
        self.assertEqual(self.client.get("/public/")["X-Page-Cache"], "miss")

    def test_page_rendered_while_a_publish_committed_is_not_served_afterwards(self):
        # The view invalidates its own path mid-render, as a publish landing
        # then would: what it rendered may predate the publish.
        self.client.get("/during-publish/")

        response = self.client.get("/during-publish/")

        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertEqual(len(serving_urls.calls), 2)

    def test_a_cache_that_lost_its_generations_does_not_serve_old_pages(self):
        self.client.get("/public/")
        cache.delete(pagecache.SITE_GENERATION_KEY)

        self.assertEqual(self.client.get("/public/")["X-Page-Cache"], "miss")
        self.assertEqual(self.client.get("/public/")["X-Page-Cache"], "hit")

    def test_each_encoding_is_cached_apart_and_decodes_to_the_same_page(self):
        identity = self.client.get("/public/")
        br = self.client.get("/public/", headers={"Accept-Encoding": "gzip, br"})
        br_hit = self.client.get("/public/", headers={"Accept-Encoding": "br"})
        gz = self.client.get("/public/", headers={"Accept-Encoding": "gzip"})
        gz_hit = self.client.get("/public/", headers={"Accept-Encoding": "gzip"})

        self.assertNotIn("Content-Encoding", identity)
        self.assertEqual(br["Content-Encoding"], "br")
        self.assertEqual(br_hit["X-Page-Cache"], "hit")
        self.assertEqual(br_hit["Content-Encoding"], "br")
        self.assertEqual(brotli.decompress(br_hit.content), identity.content)
        self.assertEqual(gz["Content-Encoding"], "gzip")
        self.assertEqual(gz_hit["X-Page-Cache"], "hit")
        self.assertEqual(gzip.decompress(gz_hit.content), identity.content)
        for response in (identity, br_hit, gz_hit):
            self.assertIn("Accept-Encoding", response["Vary"])
        # One render per encoding, none for the hits.
        self.assertEqual(len(serving_urls.calls), 3)

    def test_readers_with_a_session_cookie_bypass_the_cache(self):
        self.client.get("/public/")
        self.client.cookies[settings.SESSION_COOKIE_NAME] = "anything"

        response = self.client.get("/public/")

        self.assertFalse(response.has_header("X-Page-Cache"))
        self.assertEqual(len(serving_urls.calls), 2)

    def test_logged_in_staff_bypass_the_cache(self):
        self.client.get("/public/")
        editor = User.objects.create_user("editor", password="x", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editor"))
        self.client.force_login(editor)

        response = self.client.get("/public/")

        self.assertFalse(response.has_header("X-Page-Cache"))
        self.assertEqual(len(serving_urls.calls), 2)

    def test_authorization_header_bypasses_the_cache(self):
        self.client.get("/public/")

        response = self.client.get("/public/", headers={"Authorization": "Basic eDp5"})

        self.assertFalse(response.has_header("X-Page-Cache"))

    def test_excluded_paths_are_never_cached(self):
        self.client.get("/admin/public/")

        response = self.client.get("/admin/public/")

        self.assertFalse(response.has_header("X-Page-Cache"))
        self.assertEqual(len(serving_urls.calls), 2)

    def test_post_is_never_answered_from_the_cache(self):
        self.client.get("/public/")

        response = self.client.post("/public/")

        self.assertFalse(response.has_header("X-Page-Cache"))
        self.assertEqual(len(serving_urls.calls), 2)

    def test_only_pages_declared_public_are_stored(self):
        for url in ("/private/", "/never/", "/cookie/", "/session/", "/unmarked/"):
            with self.subTest(url=url):
                serving_urls.calls.clear()
                self.client.get(url)
                self.client.cookies.clear()

                response = self.client.get(url)

                self.assertEqual(response["X-Page-Cache"], "miss")
                self.assertEqual(len(serving_urls.calls), 2)

    def test_server_errors_are_not_stored(self):
        self.client.get("/error/")

        self.assertEqual(self.client.get("/error/")["X-Page-Cache"], "miss")

    def test_not_found_pages_are_cached_briefly(self):
        with time_machine.travel(NOW, tick=False) as traveller:
            first = self.client.get("/no-such-page/")
            second = self.client.get("/no-such-page/")
            traveller.shift(pagecache.NOT_FOUND_TIMEOUT + 1)
            third = self.client.get("/no-such-page/")

        self.assertEqual(first.status_code, 404)
        self.assertEqual(second.status_code, 404)
        self.assertEqual(second["X-Page-Cache"], "hit")
        self.assertEqual(third["X-Page-Cache"], "miss")
        self.assertIn("public", second["Cache-Control"])

    def test_a_page_with_its_own_expiry_leaves_every_cache_by_then(self):
        with time_machine.travel(NOW, tick=False) as traveller:
            first = self.client.get("/expiring/")
            traveller.shift(119)
            before = self.client.get("/expiring/")
            traveller.shift(2)
            after = self.client.get("/expiring/")

        self.assertEqual(before["X-Page-Cache"], "hit")
        self.assertEqual(after["X-Page-Cache"], "miss")
        directives = first["Cache-Control"]
        self.assertIn("max-age=120", directives)
        self.assertIn("s-maxage=120", directives)
        self.assertNotIn("stale-while-revalidate", directives)
        self.assertIn("stale-if-error", directives)

    def test_cache_control_for_browsers_and_shared_caches(self):
        response = self.client.get("/public/")

        self.assertEqual(
            response["Cache-Control"],
            "public, max-age=300, s-maxage=300, stale-while-revalidate=60, "
            "stale-if-error=86400",
        )


class ScheduledPublicationTests(TestCase):
    def test_home_page_is_cached_only_until_the_next_scheduled_fact_check(self):
        with time_machine.travel(NOW, tick=False) as traveller:
            published_article(published_at=NOW - datetime.timedelta(days=1))
            scheduled = published_article(
                title="Fact check: What will appear at noon?",
                published_at=NOW + datetime.timedelta(seconds=90),
            )
            first = self.client.get("/")
            before = self.client.get("/")
            traveller.shift(91)
            after = self.client.get("/")

        self.assertNotContains(first, scheduled.title)
        self.assertIn("s-maxage=90", first["Cache-Control"])
        self.assertEqual(before["X-Page-Cache"], "hit")
        self.assertEqual(after["X-Page-Cache"], "miss")
        self.assertContains(after, scheduled.title)

    @override_settings(ROOT_URLCONF="tests.serving_urls")
    def test_scheduled_invalidation_retires_pages_cached_before_its_time(self):
        with time_machine.travel(NOW, tick=False) as traveller:
            self.client.get("/public/")
            with committed(self):
                pagecache.invalidate_all(at=NOW + datetime.timedelta(seconds=30))
            before = self.client.get("/public/")
            traveller.shift(31)
            at_the_time = self.client.get("/public/")
            after = self.client.get("/public/")

        self.assertEqual(before["X-Page-Cache"], "hit")
        self.assertEqual(at_the_time["X-Page-Cache"], "miss")
        self.assertEqual(after["X-Page-Cache"], "hit")


class CacheControlTests(TestCase):
    """Every public response says how long browsers and a CDN may keep it."""

    def test_public_pages_carry_cache_control_for_browsers_and_a_cdn(self):
        article = published_article()
        urls = [
            reverse("home"),
            article.publications.get().get_absolute_url(),
            reverse("methodology"),
            reverse("corrections"),
            reverse("funding"),
            reverse("team"),
            reverse("feed"),
            reverse("sitemap"),
            reverse("robots"),
            reverse("articles:topics"),
            "/no-such-page/",
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)

                directives = response["Cache-Control"]
                self.assertIn("public", directives)
                self.assertIn("max-age=", directives)
                self.assertIn("s-maxage=", directives)
                self.assertIn("stale-if-error=", directives)

    def test_article_topic_and_author_pages_carry_cache_tags(self):
        topic = TopicFactory(slug="elections")
        author = AuthorFactory(slug="sam")
        article = build_article()
        article.topics.add(topic)
        article.authors.add(author)
        publish(article=article, kind="first")
        cases = [
            (
                article.publications.get().get_absolute_url(),
                f"fact-check-{article.slug}",
            ),
            (topic.get_absolute_url(), "topic-elections"),
            (author.get_absolute_url(), "author-sam"),
        ]
        for url, tag in cases:
            with self.subTest(url=url):
                self.client.get(url)
                hit = self.client.get(url)

                self.assertEqual(hit["X-Page-Cache"], "hit")
                # The view's own tag first; then the site's and the path's
                # (factually/frontendcache.py).
                self.assertEqual(hit["Cache-Tag"].split(",")[0], tag)

    def test_feed_sitemap_and_pages_are_compressed(self):
        published_article()
        for url in (reverse("home"), reverse("feed"), reverse("sitemap")):
            with self.subTest(url=url):
                plain = self.client.get(url)
                with committed(self):
                    pagecache.invalidate_all()

                response = self.client.get(url, headers={"Accept-Encoding": "br"})

                self.assertEqual(response["Content-Encoding"], "br")
                self.assertIn("Accept-Encoding", response["Vary"])
                self.assertEqual(brotli.decompress(response.content), plain.content)

    def test_health_checks_are_never_cached(self):
        for url in ("/healthz", "/readyz"):
            with self.subTest(url=url):
                self.client.get(url)
                response = self.client.get(url)

                self.assertIn("no-cache", response["Cache-Control"])
                self.assertEqual(response["X-Page-Cache"], "miss")


class GoalJsonTests(TestCase):
    def setUp(self):
        self.campaign = CampaignFactory(is_current=True)
        DonationFactory.create_batch(2)

    def test_warm_goal_json_costs_no_query_and_no_session(self):
        self.client.get(reverse("donations:goal"))
        self.client.get(reverse("donations:goal"))  # The page cache learns its key.

        with self.assertNumQueries(0):
            response = self.client.get(reverse("donations:goal"))

        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertEqual(response.json()["supporters"], 2)
        self.assertNotIn("Cookie", response.get("Vary", ""))
        self.assertFalse(response.cookies)

    def test_goal_json_stays_exact_after_a_donation(self):
        for _ in range(3):
            self.client.get(reverse("donations:goal"))

        with committed(self):
            DonationFactory()
            tracker.invalidate_on_commit()

        response = self.client.get(reverse("donations:goal"))
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertEqual(response.json()["supporters"], 3)

    def test_campaign_saved_in_the_admin_shows_on_cached_pages_still_hits(self):
        for url in ("/", reverse("methodology")):
            self.client.get(url)
            self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")
        staff = self.client_class()
        staff.force_login(fundraiser())
        now = timezone.now()

        with committed(self):
            response = staff.post(
                reverse("admin:donations_campaign_change", args=[self.campaign.pk]),
                {
                    "name": "Spring drive",
                    "goal_kind": "supporters",
                    "goal": "1000",
                    "currency": "USD",
                    "banner_views_per_day": "0",
                    "starts_at_0": (now - timedelta(days=1)).strftime("%Y-%m-%d"),
                    "starts_at_1": "00:00:00",
                    "ends_at_0": (now + timedelta(days=30)).strftime("%Y-%m-%d"),
                    "ends_at_1": "00:00:00",
                    "donate_url": "https://buy.stripe.com/test_1",
                    "is_current": "on",
                },
            )

        self.assertEqual(response.status_code, 302)
        # The pages' entries stay (the view does not run again), and the
        # banner joined into them is the new one: the first reader rebuilds
        # the tracker (the campaign, its messages, its supporters), no page.
        for url, queries in (("/", 3), (reverse("methodology"), 0)):
            with self.subTest(url=url), self.assertNumQueries(queries):
                page = self.client.get(url)
            self.assertEqual(page["X-Page-Cache"], "hit")
            self.assertContains(page, 'data-campaign-name="Spring drive"')
            self.assertEqual(page.content, self.rendered(url))

    def rendered(self, url):
        """The page as the view renders it now, the page cache bypassed."""
        bypassing = self.client_class()
        bypassing.cookies[settings.SESSION_COOKIE_NAME] = "none"
        response = bypassing.get(url)
        self.assertNotIn("X-Page-Cache", response)
        return response.content

    def test_banner_message_deleted_in_the_admin_shows_on_the_cached_home_page(self):
        message = BannerMessageFactory(
            campaign=self.campaign, headline="Keep us independent"
        )
        self.assertContains(self.client.get("/"), "Keep us independent")
        self.assertEqual(self.client.get("/")["X-Page-Cache"], "hit")
        staff = self.client_class()
        staff.force_login(fundraiser())

        with committed(self):
            response = staff.post(
                reverse("admin:donations_bannermessage_delete", args=[message.pk]),
                {"post": "yes"},
            )

        self.assertEqual(response.status_code, 302)
        page = self.client.get("/")
        self.assertEqual(page["X-Page-Cache"], "hit")
        self.assertNotContains(page, "Keep us independent")
        self.assertEqual(page.content, self.rendered("/"))


# Nothing listens on port 9 (discard) on loopback.
DOWN_REDIS = {
    "default": {
        "BACKEND": "factually.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


class ResilientRedisCacheTests(TestCase):
    def backend(self):
        backend = ResilientRedisCache(
            DOWN_REDIS["default"]["LOCATION"],
            {"OPTIONS": DOWN_REDIS["default"]["OPTIONS"]},
        )
        # A record of its own: the process's is shared by every thread.
        backend.health = CacheHealth()
        return backend

    def test_every_thread_of_a_process_shares_one_record(self):
        backends = []

        def make():
            backends.append(ResilientRedisCache(DOWN_REDIS["default"]["LOCATION"], {}))

        threads = [threading.Thread(target=make) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        self.assertIs(backends[0].health, backends[1].health)

    def test_unreachable_redis_reads_as_a_miss_and_is_logged_once(self):
        backend = self.backend()
        with self.assertLogs("factually.cache", level="ERROR") as logs:
            self.assertEqual(backend.get("key", "default"), "default")
            self.assertIsNone(backend.set("key", "value"))
            self.assertFalse(backend.add("key", "value"))
            self.assertEqual(backend.get_many(["a", "b"]), {})
            self.assertEqual(backend.set_many({"a": 1}), ["a"])
            with self.assertRaises(ValueError):
                backend.incr("counter")
            self.assertEqual(backend.get_or_set("key", lambda: 5), 5)
            self.assertFalse(backend.ping())

        self.assertEqual(len(logs.records), 1)
        self.assertIn("Cache unavailable", logs.records[0].getMessage())
        self.assertGreaterEqual(backend.health.errors, 2)
        self.assertTrue(backend.health.degraded)

    def test_backs_off_after_a_failure_then_tries_again(self):
        backend = self.backend()
        with self.assertLogs("factually.cache", level="ERROR"):
            backend.get("key")
            errors = backend.health.errors
            backend.get("key")
            self.assertEqual(backend.health.errors, errors)
            self.assertEqual(backend.health.skipped, 1)
            backend.health.failed_at -= 2  # The backoff has passed.
            backend.get("key")

        self.assertEqual(backend.health.errors, errors + 1)

    @override_settings(CACHES=DOWN_REDIS)
    def test_pages_are_served_from_the_database_while_redis_is_down(self):
        article = published_article()
        url = article.publications.get().get_absolute_url()
        logging.getLogger("factually.cache").disabled = True
        self.addCleanup(
            setattr, logging.getLogger("factually.cache"), "disabled", False
        )

        for path in (url, "/", "/no-such-page/", reverse("donations:goal")):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertIn(response.status_code, (200, 404))
                self.assertEqual(response["X-Page-Cache"], "miss")

        ready = self.client.get("/readyz")
        self.assertEqual(ready.status_code, 200)
        self.assertContains(ready, "cache degraded")


@override_settings(ROOT_URLCONF="tests.serving_urls")
class DatabaseOutageTests(TestCase):
    def test_database_outage_answers_the_503_page_with_retry_after(self):
        self.client.raise_request_exception = False
        with self.assertLogs("factually.outage", level="ERROR"):
            response = self.client.get("/database-down/")

        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertContains(response, "back in a moment", status_code=503)
        self.assertEqual(response["X-Page-Cache"], "miss")

    def test_other_database_errors_stay_500s(self):
        self.client.raise_request_exception = False

        with self.assertLogs("django.request", level="ERROR"):
            response = self.client.get("/database-bug/")

        self.assertEqual(response.status_code, 500)
        self.assertFalse(response.has_header("Retry-After"))


def shared_redis_caches():
    """Settings for a Redis cache, or skip (never in CI, where Redis runs)."""
    from tests import servers

    url = servers.redis_url()
    if not servers.redis_reachable(url):
        if os.environ.get("CI") == "true":
            raise AssertionError(f"Redis is not reachable at {url}.")
        raise unittest.SkipTest(f"needs Redis at {url}")
    return {
        "default": {
            "BACKEND": "factually.cache.ResilientRedisCache",
            "LOCATION": url,
        }
    }


@override_settings(ROOT_URLCONF="tests.serving_urls", PAGE_CACHE_LOCAL_TIMEOUT=5)
class LocalPagesTests(TestCase):
    """Each process's in-memory copies in front of Redis, kept exact by pub/sub."""

    def setUp(self):
        self.enterContext(override_settings(CACHES=shared_redis_caches()))
        cache.clear()
        serving_urls.calls.clear()
        self.client.get("/healthz")  # Starts this process's listener.
        deadline = time.monotonic() + 5
        while not pagecache.local.listening and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertTrue(pagecache.local.listening)

    def served_from_memory(self, path):
        with mock.patch.object(
            ResilientRedisCache,
            "get_many",
            side_effect=AssertionError("Redis was asked"),
        ):
            return self.client.get(path)

    def test_a_page_served_from_redis_is_then_served_without_a_round_trip(self):
        self.client.get("/public/")  # Rendered, stored in Redis.
        self.client.get("/public/")  # From Redis; kept in memory.

        response = self.served_from_memory("/public/")

        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertEqual(len(serving_urls.calls), 1)

    def test_an_invalidation_announced_by_another_process_drops_the_copy(self):
        self.client.get("/public/")
        self.client.get("/public/")
        self.client.get("/other/")
        self.client.get("/other/")

        # What another app server's invalidate("/public/") does.
        redis_cache = caches["default"]
        redis_cache.set(pagecache.path_key("/public/"), 1, timeout=None)
        redis_cache.publish(redis_cache.channel(pagecache.CHANNEL), "/public/")
        deadline = time.monotonic() + 2
        while (
            any(v[1] == "/public/" for v in pagecache.local.entries.values())
            and time.monotonic() < deadline
        ):
            time.sleep(0.005)

        self.assertEqual(self.client.get("/public/")["X-Page-Cache"], "miss")
        self.assertEqual(self.served_from_memory("/other/")["X-Page-Cache"], "hit")

    def warm_goal_json(self):
        CampaignFactory(is_current=True)
        DonationFactory.create_batch(2)
        for _ in range(3):
            self.client.get(reverse("donations:goal"))
        response = self.served_from_memory(reverse("donations:goal"))
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertEqual(response.json()["supporters"], 2)

    def test_goal_json_is_kept_in_memory_until_the_tracker_invalidates(self):
        self.warm_goal_json()

        with committed(self):
            DonationFactory()
            tracker.invalidate_on_commit()

        self.assertNotIn(
            reverse("donations:goal"),
            [v[1] for v in pagecache.local.entries.values()],
        )
        response = self.client.get(reverse("donations:goal"))
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertEqual(response.json()["supporters"], 3)

    def test_a_tracker_invalidation_in_another_process_drops_the_copy(self):
        self.warm_goal_json()
        DonationFactory()  # Recorded by another app server...

        # ... whose tracker.invalidate() bumps the generation in Redis and
        # announces it; this process hears it only through pub/sub.
        redis_cache = caches["default"]
        redis_cache.incr(tracker.GENERATION_KEY)
        redis_cache.publish(
            redis_cache.channel(pagecache.CHANNEL),
            pagecache.GENERATION_MESSAGE + tracker.GENERATION_KEY,
        )
        deadline = time.monotonic() + 2
        while (
            any(
                tracker.GENERATION_KEY in v[4] for v in pagecache.local.entries.values()
            )
            and time.monotonic() < deadline
        ):
            time.sleep(0.005)

        response = self.client.get(reverse("donations:goal"))
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertEqual(response.json()["supporters"], 3)
