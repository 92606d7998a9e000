"""
What a view says about its page: that anyone may cache it (public(), with
the query parameters it reads), its CDN tags, and when it must expire.
"""

import math
from functools import wraps

from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import split_header_value

# Browsers keep a page this long before revalidating it (a 304 when it has
# not changed); a correction reaches a returning reader within this time.
BROWSER_MAX_AGE = 300
# Shared caches (a CDN) keep it this long; a CDN that purges by Cache-Tag can
# be given longer.
SHARED_MAX_AGE = 300
# A shared cache may serve a page this much past its age while it fetches a
# fresh copy, and for this long if the site answers with an error.
STALE_WHILE_REVALIDATE = 60
STALE_IF_ERROR = 60 * 60 * 24


def public(
    *,
    query=(),
    max_age=BROWSER_MAX_AGE,
    s_maxage=SHARED_MAX_AGE,
    stale_while_revalidate=STALE_WHILE_REVALIDATE,
    stale_if_error=STALE_IF_ERROR,
):
    """
    View decorator: a page anyone may cache (and so the page cache stores).
    `query` names the query-string parameters the page reads: the page
    cache keys the page on those alone and hands the view only those, so
    that made-up parameters neither make new entries nor reach the view.
    Sets Cache-Control with the browser max-age, the shared-cache s-maxage
    and the stale-while-revalidate and stale-if-error allowances, capped by
    the view's expire_at().
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            patch_cache_control(
                response,
                public=True,
                max_age=max_age,
                s_maxage=s_maxage,
                stale_while_revalidate=stale_while_revalidate,
                stale_if_error=stale_if_error,
            )
            return _cap(response)

        wrapper.page_cache_query = tuple(query)
        return wrapper

    return decorator


def tag(response, *tags):
    """Add cache tags (e.g. "article-12") for a CDN to purge by; returns response."""
    existing = [t for t in response.get("Cache-Tag", "").split(",") if t]
    response["Cache-Tag"] = ",".join(dict.fromkeys(existing + list(tags)))
    return response


def tagged(*templates):
    """
    View decorator: tag the response for a CDN from the URL's arguments,
    e.g. @tagged("fact-check-{slug}") gives Cache-Tag: fact-check-<slug>.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            return tag(response, *(t.format(**kwargs) for t in templates))

        return wrapper

    return decorator


def expire_at(response, moment):
    """
    Let no cache keep `response` past `moment` (None: no limit): the page
    cache's timeout and Cache-Control's max-age and s-maxage are capped, and
    stale-while-revalidate dropped. Returns the response.
    """
    if moment is None:
        return response
    current = getattr(response, "page_cache_expires", None)
    response.page_cache_expires = moment if current is None else min(current, moment)
    return _cap(response)


def seconds_left(response):
    moment = getattr(response, "page_cache_expires", None)
    if moment is None:
        return None
    return max(0, math.ceil((moment - timezone.now()).total_seconds()))


def _cap(response):
    seconds = seconds_left(response)
    if seconds is None or not response.has_header("Cache-Control"):
        return response
    directives = []
    for directive in split_header_value(response["Cache-Control"]):
        name, _, value = directive.partition("=")
        name = name.strip().lower()
        if name == "stale-while-revalidate":
            continue
        if name in ("max-age", "s-maxage"):
            value = str(min(int(value or 0), seconds))
        directives.append(f"{name}={value}" if value else name)
    response["Cache-Control"] = ", ".join(directives)
    return response
