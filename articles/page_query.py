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
"""

import threading
from datetime import UTC, datetime

from django.db import connections, router
from django.utils import timezone

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
    "page_head",
    "page_body",
    "rendered_with",
)

# Stand-ins no real request passes: found again among the parameters.
_NOW = datetime(2000, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
_SLUG = "\x00slug stand-in\x00"

_compiled = {}
_lock = threading.Lock()


def queryset(slug, now=None):
    """The query, as the ORM writes it."""
    return Publication.objects.current(now).filter(slug=slug).only(*PAGE_FIELDS)[:1]


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
        return publication
    return None
