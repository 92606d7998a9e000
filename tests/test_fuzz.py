"""
Hostile requests to every public URL must get an answer below 500: a 4xx
says what was wrong, a 500 is a bug (and a traceback in the logs).

The URL list is built from the URLconf, with real slugs from a small
published fixture, so a new public page is fuzzed without anyone listing it.
"""

from urllib.parse import quote, quote_from_bytes

from django.contrib import admin
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles.models import PreviewLink
from tests.articles.factories import AuthorFactory, TopicFactory, build_article

# What publishing does, not the review: each draft edited in code is
# published approved as it stands.
from tests.articles.factories import publish_approved as publish
from tests.helpers import public_urls
from tests.roles import UserFactory

HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "\x00" * 50,
    "\x1b[31m",
    "\r\nSet-Cookie: x=1",
    "x" * 5_000,
    "Fact check " * 500,
    "' OR 1=1 --",
    "'; DROP TABLE articles_publication; --",
    '" OR ""="',
    "1; SELECT pg_sleep(10)",
    "%",
    "_",
    "\\",
    "%%%%",
    "' \\' \\\\'",
    '"unterminated',
    "-",
    "--",
    "!",
    "& | ! :* <->",
    "(((((((",
    "or or or",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "../../../../etc/passwd",
    "\u202eevil\u202c",
    "\ufeff\u200b\u2060",
    "\U0001f4a9" * 100,
    "\ufdd0\uffff",
    "\u0301\u0301\u0301",
    "ﬁ Ｆａｃｔ ١٠ ５",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e308",
    "NaN",
    "last",
]

# Bytes that are not valid UTF-8 once percent-decoded.
INVALID_UTF8 = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"]

QUERY_KEYS = ["q", "page", "p", "next", "o", "token", "format"]


def encode(value):
    if isinstance(value, bytes):
        return quote_from_bytes(value, safe="")
    return quote(value, safe="")


hostile = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.sampled_from(INVALID_UTF8),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.integers().map(str),
)
query_strings = st.lists(
    st.tuples(st.one_of(st.sampled_from(QUERY_KEYS), hostile), hostile),
    min_size=1,
    max_size=4,
).map(lambda pairs: "&".join(f"{encode(k)}={encode(v)}" for k, v in pairs))


class PublicUrlFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        topic = TopicFactory(slug="elections")
        author = AuthorFactory(slug="ada-writer")
        article = build_article(slug="turnout-claims", related=1)
        article.topics.add(topic)
        article.authors.add(author)
        publish(article=article, kind="first")
        cls.urls = public_urls(
            {
                "articles:detail": {"slug": article.slug},
                "articles:topic": {"slug": topic.slug},
                "articles:author": {"slug": author.slug},
                "articles:preview": {"pk": article.pk},
            }
        )
        cls.urls.append(PreviewLink.objects.create(article=article).get_absolute_url())

    def assert_answers(self, path, method="get"):
        response = getattr(self.client, method)(path)
        self.assertLess(response.status_code, 500, path)
        return response

    def test_the_url_list_covers_the_public_pages(self):
        for path in [
            "/",
            "/search/",
            "/fact-checks/turnout-claims/",
            "/topics/",
            "/topics/elections/",
            "/authors/ada-writer/",
            "/feed/",
            "/sitemap.xml",
            "/robots.txt",
            "/about/methodology/",
            "/donations/goal.json",
            "/admin/login/",
        ]:
            self.assertIn(path, self.urls)
        self.assertFalse([url for url in self.urls if "/admin/" in url][2:])

    def test_the_real_pages_answer_200(self):
        for path in ["/", "/fact-checks/turnout-claims/", "/topics/elections/"]:
            self.assertEqual(self.client.get(path).status_code, 200, path)

    def test_search_for_a_nul_character_is_refused_with_a_reason(self):
        response = self.client.get("/search/?q=%00")

        self.assertContains(response, "turnout", count=0, status_code=400)

    def test_every_hostile_value_in_the_query_string_of_every_url(self):
        for path in self.urls:
            for value in [*HOSTILE_VALUES, *INVALID_UTF8]:
                query = "&".join(f"{key}={encode(value)}" for key in QUERY_KEYS)
                with self.subTest(path=path, value=value[:20]):
                    self.assert_answers(f"{path}?{query}")

    @hypothesis_settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=st.data(), query=query_strings)
    def test_random_query_strings(self, data, query):
        path = data.draw(st.sampled_from(self.urls))
        self.assert_answers(f"{path}?{query}")
        self.assert_answers(f"{path}?{query}", method="head")

    @hypothesis_settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=st.data(), segment=hostile)
    def test_hostile_path_segments(self, data, segment):
        path = data.draw(st.sampled_from(self.urls))
        parts = path.strip("/").split("/")
        position = data.draw(st.integers(0, len(parts)))
        parts.insert(position, encode(segment) or "%00")
        self.assert_answers("/" + "/".join(parts) + "/")

    @hypothesis_settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        fields=st.dictionaries(
            st.one_of(st.sampled_from(["event", "message", "id"]), st.text()),
            hostile.map(lambda v: v.decode("latin-1") if isinstance(v, bytes) else v),
            max_size=4,
        )
    )
    def test_hostile_posts_to_the_public_post_endpoints(self, fields):
        for name in ["donations:banner-event", "donations:stripe-webhook", "search"]:
            response = self.client.post(reverse(name), fields)
            self.assertLess(response.status_code, 500, name)


def autocomplete_queries():
    """The query of every autocomplete widget the admin shows, with no term."""
    for model, model_admin in admin.site._registry.items():
        for owner in [model_admin, *model_admin.inlines]:
            owner_model = getattr(owner, "model", model)
            for field_name in owner.autocomplete_fields:
                yield (
                    f"app_label={owner_model._meta.app_label}"
                    f"&model_name={owner_model._meta.model_name}"
                    f"&field_name={field_name}"
                )


STAFF_HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "x" * 5_000,
    "' OR 1=1 --",
    "%_\\",
    "\u202eevil",
    "ﬁ Ｆａｃｔ ١٠",
    b"\xff",
    b"\xed\xa0\x80",
]


class StaffSearchFuzzTests(TestCase):
    """Staff type into the admin's search boxes too; a NUL there was a 500."""

    @classmethod
    def setUpTestData(cls):
        cls.superuser = UserFactory(is_staff=True, is_superuser=True)

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_the_autocomplete_list_covers_the_source_picker(self):
        self.assertIn(
            "app_label=articles&model_name=citation&field_name=source",
            list(autocomplete_queries()),
        )

    def test_every_autocomplete_with_hostile_terms(self):
        for query in autocomplete_queries():
            for value in STAFF_HOSTILE_VALUES:
                with self.subTest(query=query, value=value[:20]):
                    response = self.client.get(
                        f"{reverse('admin:autocomplete')}?{query}&term={encode(value)}"
                    )
                    self.assertEqual(response.status_code, 200)

    def test_every_changelist_with_hostile_parameters(self):
        for model in admin.site._registry:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            )
            for value in ["\x00", "x" * 5_000, b"\xff"]:
                for key in ["q", "o", "p", "pk__exact"]:
                    with self.subTest(url=url, key=key, value=value[:20]):
                        response = self.client.get(f"{url}?{key}={encode(value)}")
                        self.assertLess(response.status_code, 500)
