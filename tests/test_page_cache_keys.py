"""
The page cache keys a page by what it reads: the query parameters its view
declares (public(query=...)), and nothing a client makes up.
"""

import random
import string
from unittest import mock

from django.core.cache import caches
from django.test import SimpleTestCase, TestCase, override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from factually import checks
from factually.cache import ResilientRedisCache
from factually.pagecache.middleware import canonical_query
from tests import serving_urls
from tests.articles.factories import published_article

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def entries():
    """The page entries in the local-memory cache."""
    return [key for key in caches["default"]._cache if ":pagecache:v2:" in key]


def made_up_query(rng):
    name = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(1, 8)))
    value = "".join(rng.choices(string.ascii_letters + string.digits, k=6))
    return f"{name}={value}&utm_source={value}"


@override_settings(CACHES=LOCMEM)
class ArticleQueryStringTests(TestCase):
    """An article reads no query parameter: they are left out of its key."""

    @classmethod
    def setUpTestData(cls):
        cls.url = published_article(slug="keyed").get_absolute_url()

    def test_ten_thousand_random_query_strings_add_at_most_a_handful_of_entries(self):
        caches["default"].clear()
        self.client.get(self.url)
        before = len(entries())
        rng = random.Random(21)

        for _ in range(10_000):
            response = self.client.get(f"{self.url}?{made_up_query(rng)}")
            self.assertEqual(response.status_code, 200)

        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertLessEqual(len(entries()) - before, 3)

    def test_random_query_strings_share_the_plain_pages_bytes(self):
        plain = self.client.get(self.url)
        other = self.client.get(f"{self.url}?fbclid=abc&page=9")

        self.assertEqual(other["X-Page-Cache"], "hit")
        self.assertEqual(other.content, plain.content)


@override_settings(ROOT_URLCONF="tests.serving_urls", CACHES=LOCMEM)
class DeclaredQueryTests(TestCase):
    def setUp(self):
        serving_urls.calls.clear()

    def test_declared_parameters_make_entries_of_their_own(self):
        self.client.get("/public/?page=2")
        response = self.client.get("/public/?page=3")

        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertContains(response, "public page=3")

    def test_undeclared_parameters_never_reach_the_view(self):
        response = self.client.get("/public/?tracking=1&page=2")

        self.assertContains(response, "public page=2")
        self.assertNotContains(response, "tracking")
        again = self.client.get("/public/?page=2&other=x")
        self.assertEqual(again["X-Page-Cache"], "hit")

    def test_canonical_query_keeps_declared_order(self):
        self.assertEqual(canonical_query("b=2&x=1&a=1&b=3", ("a", "b")), "a=1&b=2&b=3")


@override_settings(CACHES=LOCMEM)
class SearchQueryTests(TestCase):
    def test_search_keeps_the_question_and_its_filters(self):
        published_article(slug="keyed", title="Fact check: What about turnips?")

        found = self.client.get("/search/?q=turnips&utm_campaign=x")
        other = self.client.get("/search/?q=parsnips")

        self.assertContains(found, 'href="/fact-checks/keyed/"')
        self.assertNotContains(other, 'href="/fact-checks/keyed/"')
        self.assertEqual(other["X-Page-Cache"], "miss")


class RedisMemoryCheckTests(SimpleTestCase):
    """manage.py check warns when the cache's Redis could fill the machine."""

    def check_with(self, info=None, error=None):
        redis_cache = ResilientRedisCache("redis://127.0.0.1:6399/0", {})
        client = mock.Mock()
        if error:
            client.info.side_effect = error
        else:
            client.info.return_value = info
        with (
            mock.patch.dict(caches._connections.__dict__, {"default": redis_cache}),
            mock.patch.object(redis_cache._cache, "get_client", return_value=client),
        ):
            return [w.id for w in checks.redis_memory_limit(None)]

    def test_no_memory_limit_is_a_warning(self):
        self.assertEqual(
            self.check_with({"maxmemory": 0, "maxmemory_policy": "noeviction"}),
            ["factually.W001"],
        )

    def test_a_limit_without_eviction_is_a_warning(self):
        self.assertEqual(
            self.check_with({"maxmemory": 2**29, "maxmemory_policy": "noeviction"}),
            ["factually.W003"],
        )

    def test_the_shipped_configuration_passes(self):
        self.assertEqual(
            self.check_with({"maxmemory": 2**29, "maxmemory_policy": "allkeys-lru"}),
            [],
        )

    def test_an_unreachable_redis_is_another_warning(self):
        self.assertEqual(
            self.check_with(error=RedisConnectionError("refused")), ["factually.W002"]
        )

    def test_the_check_is_registered(self):
        self.assertIn(checks.redis_memory_limit, _registered())


def _registered():
    from django.core.checks.registry import registry

    return registry.get_checks()
