"""
The article page's one query, compiled once per process.

Serving an article page on a cache miss is one query: the current
publication at the address, with the columns the page is made from. Django
builds and compiles that query (the current() subquery, the filters, the
columns) in about as long as PostgreSQL takes to run it, and the result is
the same SQL every time but for two parameters: the moment and the slug.
So the query is built from Publication.objects.current() once, with
stand-ins for those two, and each request runs the compiled SQL through
raw() with its own moment and slug: the same SQL, the same row, the same
field conversions, none of the building. A change to current() changes
what is compiled, at the next start.

The page's own HTML (page_head, page_body: most of its bytes) is not in
that query. A publication's HTML is named by its digest (`page_digest`),
so each process keeps what it has read, keyed by publication and that
digest, up to HTML_CACHE_BYTES, and reads it with a second query only the
first time: a miss then costs the same whatever the article's size. A page
rendered again (by new templates, or after an earlier version was removed
from public view) has a new digest, hence a new key.
"""

import threading
from datetime import UTC, datetime

from django.db import connections, router
from django.utils import timezone

from factually.lru import LRU

from .publications import Publication

# What the article page is made from (its own HTML, pre-rendered) and its
# validators: not the frozen content, the search text or its vectors.
PAGE_FIELDS = (
    "article",
    "version",
    "kind",
    "published_at",
    "slug",
    "title",
    "excerpt",
    "no_donation_ask",
    "rendered_with",
    "page_digest",
)
HTML_FIELDS = ("page_head", "page_body")

# What each process keeps of pages' HTML, in characters (about bytes).
HTML_CACHE_BYTES = 32 * 1024 * 1024

# Stand-ins no real request passes: found again among the parameters.
_NOW = datetime(2000, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
_SLUG = "\x00slug stand-in\x00"

_compiled = {}
_lock = threading.Lock()


# Pages' HTML, as text and encoded, by (database, publication, its version,
# rendered_with, page_digest), least recently used out past the budget.
html_cache = LRU(None, weigh=lambda html: sum(map(len, html)), budget=HTML_CACHE_BYTES)


def queryset(slug, now=None, *, html=False):
    """The query, as the ORM writes it (with the page's HTML, if `html`)."""
    fields = PAGE_FIELDS + HTML_FIELDS if html else PAGE_FIELDS
    return Publication.objects.current(now).filter(slug=slug).only(*fields)[:1]


def compile_for(alias):
    """The SQL and, for each parameter, "now", "slug" or its fixed value."""
    connection = connections[alias]
    query = queryset(_SLUG, _NOW).query
    sql, params = query.get_compiler(using=alias).as_sql()
    now = connection.ops.adapt_datetimefield_value(_NOW)
    roles = tuple(
        "now" if param == now else "slug" if param == _SLUG else ("fixed", param)
        for param in params
    )
    if "slug" not in roles or "now" not in roles:
        raise RuntimeError("The article page query lost its slug or its moment.")
    return sql, roles


def current(slug):
    """The current publication at `slug` with the page's fields, or None."""
    alias = router.db_for_read(Publication)
    key = (alias, connections[alias].vendor)
    compiled = _compiled.get(key)
    if compiled is None:
        with _lock:
            compiled = _compiled.setdefault(key, compile_for(alias))
    sql, roles = compiled
    now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
    params = [
        now if role == "now" else slug if role == "slug" else role[1] for role in roles
    ]
    for publication in Publication.objects.db_manager(alias).raw(sql, params):
        with_html(publication, alias)
        return publication
    return None


def with_html(publication, alias):
    """Give `publication` its page HTML: kept, or read once and kept."""
    key = (
        alias,
        publication.pk,
        publication.article_id,
        publication.version,
        publication.published_at,
        publication.rendered_with,
        publication.page_digest,
    )
    html = html_cache.get(key)
    if html is None:
        head, body = (
            Publication.objects.using(alias)
            .filter(pk=publication.pk)
            .values_list(*HTML_FIELDS)
            .get()
        )
        # Encoded too, once: the response is bytes (articles/frames.py).
        html = (head, body, head.encode(), body.encode())
        html_cache.put(key, html)
    publication.page_head, publication.page_body = html[:2]
    publication.page_bytes = (publication.rendered_with, *html[2:])
