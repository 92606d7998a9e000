"""
The page cache: whole responses for anonymous readers, shared by every app
server through the Django cache (Redis in production).

What is cached. A GET from a reader without a session cookie or an
Authorization header, outside PAGE_CACHE_EXCLUDED_PATHS, whose response the
view declared public (`Cache-Control: public`, through public()), with
status 200, 301, 404 or 410, no cookie set, and no Vary but Accept-Encoding.
Entries are keyed by scheme, host, path and the query parameters the view
declared with public(query=...) (others are dropped from the request before
the view sees it, so made-up query strings share one entry), and by the
encoding the body was compressed with (br, gzip or none), so a hit sends
stored bytes as they are. HEAD is answered from the GET entry. A hit costs
one cache round trip and no query; the middleware sits above the session,
CSRF and auth middleware, so a hit never touches the database.

Invalidation is explicit: whatever changes what a page shows calls
invalidate(*paths) for the pages it changes, or invalidate_all() when it
changes pages it cannot list. Both are recorded in the database at once and
take effect when the current transaction commits (generations.committed()).
They work by generations rather than deletion (generations.py), and a
process that missed one because Redis was unreachable still applies it
(durable.py).

Scheduled publications appear at their time: publishing one calls
invalidate_all(at=its time), and every page cached before that moment is
retired when it comes (one more key read with each lookup, no timer). A
page can also have an expiry of its own: expire_at(response, moment) caps
the page cache and the Cache-Control max-ages, for a page that must change
at a known time (the home page, at the next scheduled publication).

Cache-Control for browsers and a CDN comes from public(); a CDN that purges
by tag can use the Cache-Tag header views set with tag().

Pieces of pages that change on their own (the donation banner) are joined
in as each page is served, so that changing one retires no page (pieces.py).

Modules: headers (what views declare), generations (keys and invalidation),
durable (the database's record), local (each process's copies), pieces,
middleware.
"""

from .generations import (
    RANDOM_BITS,
    SCHEDULE_KEY,
    SITE_GENERATION_KEY,
    bump,
    committed,
    generation_changed,
    invalidate,
    invalidate_all,
    invalidate_piece,
    new_generation,
    path_key,
    site_changed_at,
    site_generation,
)
from .headers import (
    BROWSER_MAX_AGE,
    SHARED_MAX_AGE,
    STALE_IF_ERROR,
    STALE_WHILE_REVALIDATE,
    expire_at,
    public,
    tag,
    tagged,
)
from .local import CHANNEL, GENERATION_MESSAGE, local
from .middleware import NOT_FOUND_TIMEOUT, PageCacheMiddleware, encoding_for
from .pieces import PiecesMiddleware

__all__ = [
    "BROWSER_MAX_AGE",
    "CHANNEL",
    "GENERATION_MESSAGE",
    "NOT_FOUND_TIMEOUT",
    "RANDOM_BITS",
    "SCHEDULE_KEY",
    "SHARED_MAX_AGE",
    "SITE_GENERATION_KEY",
    "STALE_IF_ERROR",
    "STALE_WHILE_REVALIDATE",
    "PageCacheMiddleware",
    "PiecesMiddleware",
    "bump",
    "committed",
    "encoding_for",
    "expire_at",
    "generation_changed",
    "invalidate",
    "invalidate_all",
    "invalidate_piece",
    "local",
    "new_generation",
    "path_key",
    "public",
    "site_changed_at",
    "site_generation",
    "tag",
    "tagged",
]
