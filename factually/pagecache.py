"""
The page cache: whole responses for anonymous readers, shared by every app
server through the Django cache (Redis in production).

What is cached. A GET from a reader without a session cookie or an
Authorization header, outside PAGE_CACHE_EXCLUDED_PATHS, whose response the
view declared public (`Cache-Control: public`, through public() below), with
status 200, 301, 404 or 410, no cookie set, and no Vary but Accept-Encoding.
Entries are keyed by scheme, host, path and query string, and by the
encoding the body was compressed with (br, gzip or none), so a hit sends
stored bytes as they are. HEAD is answered from the GET entry. A hit costs
one cache round trip and no query; the middleware sits above the session,
CSRF and auth middleware, so a hit never touches the database.

Invalidation is explicit: whatever changes what a page shows calls
invalidate(*paths) for the pages it changes, or invalidate_all() when it
changes pages it cannot list (a campaign or banner message shown on every
page, a topic or author named on many). Both take effect when the current
transaction commits (at once outside one): a reader arriving between the
change and the commit would otherwise cache the old page again.

They work by generations rather than deletion, which is what keeps a page
exact under concurrent publishing: each entry records the site generation
and its path's generation as read *before* the view ran, and is served only
while both are unchanged. A render that read the database before a publish
committed is stored under the generation that publish retired, and nobody
reads it. A view whose page depends on some other generation key (goal.json
on the donation tracker's) names it with `response.page_cache_generation_key`,
and whatever bumps that key calls generation_changed(key) afterwards, so that
every process drops its in-memory copies of those pages too.

Scheduled publications appear at their time: publishing one calls
invalidate_all(at=its time), and every page cached before that moment is
retired when it comes (one more key read with each lookup, no timer). A
page can also have an expiry of its own: expire_at(response, moment) caps
the page cache and the Cache-Control max-ages, which browsers and a CDN
obey too, for a page that must change at a known time (the home page, at
the next scheduled publication).

Cache-Control for browsers and a CDN comes from public(); a CDN that purges
by tag can use the Cache-Tag header views set with tag().
"""

import contextlib
import hashlib
import logging
import math
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import split_header_value

from . import frontendcache

SITE_GENERATION_KEY = "pagecache:generation"
PATH_GENERATION_KEY = "pagecache:generation:{digest}"
# The version changes whenever an entry's shape does, so that new code never
# reads an entry written by old code.
ENTRY_KEY = "pagecache:v1:{encoding}:{digest}"
# Moments (timestamps) at which every page cached before them retires.
SCHEDULE_KEY = "pagecache:scheduled"

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

# Invalidations are announced on this channel, so every process drops its
# local copies at once (see LocalPages): "*", paths one a line, or
# GENERATION_MESSAGE naming another generation key that changed.
CHANNEL = "pagecache:invalidations"
GENERATION_MESSAGE = "generation:"
# Pages each process keeps in memory, in front of Redis.
LOCAL_SIZE = 256

logger = logging.getLogger(__name__)

STORED_STATUSES = {200, 301, 404, 410}
# Not-found pages are cheap to render and unbounded in number: keep few.
NOT_FOUND_TIMEOUT = 60

_br = re.compile(r"\bbr\b")
_gzip = re.compile(r"\bgzip\b")


def public(
    *,
    max_age=BROWSER_MAX_AGE,
    s_maxage=SHARED_MAX_AGE,
    stale_while_revalidate=STALE_WHILE_REVALIDATE,
    stale_if_error=STALE_IF_ERROR,
):
    """
    View decorator: a page anyone may cache (and so the page cache stores).
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


def _seconds_left(response):
    moment = getattr(response, "page_cache_expires", None)
    if moment is None:
        return None
    return max(0, math.ceil((moment - timezone.now()).total_seconds()))


def _cap(response):
    seconds = _seconds_left(response)
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


def _digest(text):
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _path_key(path):
    return PATH_GENERATION_KEY.format(digest=_digest(path))


# A generation is the time it was made, in milliseconds, then random bits:
# it never comes back as a value some old entry is stored under (not even
# when a generation key is lost from the cache, nor under a frozen clock in
# tests), and site_changed_at() can tell when it was made.
RANDOM_BITS = 20


def _new_generation():
    return (time.time_ns() // 1_000_000) << RANDOM_BITS | secrets.randbelow(
        2**RANDOM_BITS
    )


def site_generation(request=None):
    """
    The site generation: a value every invalidate_all() replaces (so every
    campaign, banner, topic or author change), or None when the cache cannot
    say. A page's ETag can be built from it without rendering the page.
    Given the request, the value the page cache read for it before the view
    ran (the one the page is stored under), with no second round trip.
    """
    generations = getattr(request, "page_cache_generations", None)
    if generations is not None:
        generation = generations.get(SITE_GENERATION_KEY)
        scheduled = getattr(request, "page_cache_scheduled", ())
    else:
        found = _cache().get_many([SITE_GENERATION_KEY, SCHEDULE_KEY])
        generation = found.get(SITE_GENERATION_KEY)
        scheduled = found.get(SCHEDULE_KEY, ())
    return _with_schedule(generation, scheduled, time.time())


def _with_schedule(generation, scheduled, now):
    """
    The site generation as pages see it: a scheduled moment that has come
    (a publication due, a campaign ending) counts as a change made at that
    moment, so validators built from it change then, as the pages do.
    """
    if generation is None:
        return None
    passed = [moment for moment in scheduled if moment <= now]
    if not passed:
        return generation
    at_moment = int(max(passed) * 1000) << RANDOM_BITS
    return max(generation, at_moment)


def site_changed_at(generation):
    """When `generation` (from site_generation()) was made, as a datetime."""
    made = datetime.fromtimestamp((generation >> RANDOM_BITS) / 1000, tz=UTC)
    # Never later than now (a generation made before they were times).
    return min(made, timezone.now())


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _announce(message):
    """Tell every process (this one at once) which pages to drop locally."""
    local.forget(message)
    cache = _cache()
    if hasattr(cache, "publish"):
        cache.publish(cache.channel(CHANNEL), message)


def _bump(keys, message):
    _cache().set_many({key: _new_generation() for key in keys}, timeout=None)
    _announce(message)


def _schedule(moment):
    cache = _cache()
    now = time.time()
    # A moment older than the longest an entry lives can retire nothing;
    # but the latest that has come stays, as site_generation() counts it.
    keep = now - settings.PAGE_CACHE_TIMEOUT
    known = cache.get(SCHEDULE_KEY) or ()
    passed = [m for m in known if m <= now]
    moments = [m for m in known if m > keep] + ([max(passed)] if passed else [])
    cache.set(SCHEDULE_KEY, sorted({*moments, moment.timestamp()}), timeout=None)
    _announce("*")


def generation_changed(key):
    """
    Announce that `key`, a generation some pages hang on (named by their
    views with response.page_cache_generation_key), has just been bumped:
    every process drops its in-memory copies of those pages. Call it after
    the bump, never before: a process that drops its copy reads the new
    generation from Redis next.
    """
    _announce(GENERATION_MESSAGE + key)
    frontendcache.purge_generation(key)


def invalidate(*paths):
    """
    Retire the cached pages at `paths` ("/fact-checks/slug/"), with every
    query string and encoding, once the current transaction commits.
    """
    keys = [_path_key(path) for path in paths]
    if keys:
        message = "\n".join(paths)
        transaction.on_commit(lambda: _bump(keys, message), robust=True)
        frontendcache.purge_paths(paths)


def invalidate_all(*, at=None):
    """
    Retire every cached page once the current transaction commits, or, with
    `at` (a scheduled publication's time), retire at that moment every page
    cached before it.
    """
    if at is None:
        transaction.on_commit(lambda: _bump([SITE_GENERATION_KEY], "*"), robust=True)
    else:
        transaction.on_commit(lambda: _schedule(at), robust=True)
    frontendcache.purge_site(at=at)


def encoding_for(request):
    accept = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if _br.search(accept):
        return "br"
    if _gzip.search(accept):
        return "gzip"
    return "identity"


def _cache_control(response):
    directives = set()
    for directive in split_header_value(response.get("Cache-Control", "")):
        directives.add(directive.partition("=")[0].strip().lower())
    return directives


def _storable(response):
    if response.status_code not in STORED_STATUSES or response.streaming:
        return False
    if response.cookies:
        return False
    directives = _cache_control(response)
    if "public" not in directives or directives & {"private", "no-store", "no-cache"}:
        return False
    vary = {header.lower() for header in split_header_value(response.get("Vary", ""))}
    return vary <= {"accept-encoding"}


class LocalPages:
    """
    This process's copies of pages it recently served from Redis, so that a
    hit costs no round trip. Kept exact by Redis pub/sub: every invalidation
    is announced on CHANNEL, and a thread in each process drops the copies
    it names. While that thread is not subscribed (at start, after Redis
    went away) nothing is kept; and no copy is kept longer than
    PAGE_CACHE_LOCAL_TIMEOUT, in case an announcement were ever lost.
    Pages that hang on a generation key of their own (goal.json) are
    dropped when generation_changed() announces that key.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = OrderedDict()
        self.epoch = 0
        self.listening = False
        self.key = None

    def start(self, cache):
        """Listen for announcements, once per process (after a fork too)."""
        key = (os.getpid(), cache.channel(CHANNEL))
        if self.key == key:
            return
        with self.lock:
            if self.key == key:
                return
            self.key = key
            self.listening = False
            self.entries.clear()
        threading.Thread(
            target=self._listen, args=(cache, key), name="pagecache", daemon=True
        ).start()

    def _listen(self, cache, key):
        # Runs until Python exits, or until another cache (in tests) or a
        # fork starts a listener of its own.
        while self.key == key:
            pubsub = None
            try:
                pubsub = cache.subscribe(key[1])
                while self.key == key:
                    message = pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        self.forget("*")
                        self.listening = True
                    elif message["type"] == "message":
                        self.forget(message["data"].decode())
            except Exception as exc:  # Whatever happened, keep nothing.
                if self.listening:
                    logger.warning("Page cache announcements lost: %s", exc)
            finally:
                if self.key == key:
                    self.listening = False
                    self.forget("*")
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()
            time.sleep(1)

    def forget(self, message):
        with self.lock:
            self.epoch += 1
            if message == "*":
                self.entries.clear()
                return
            if message.startswith(GENERATION_MESSAGE):
                generation = message.removeprefix(GENERATION_MESSAGE)
                gone = [k for k, v in self.entries.items() if v[4] == generation]
            else:
                paths = set(message.split("\n"))
                gone = [k for k, v in self.entries.items() if v[1] in paths]
            for key in gone:
                del self.entries[key]

    def get(self, key, now, timeout):
        if not self.listening:
            return None
        with self.lock:
            found = self.entries.get(key)
        if found is None:
            return None
        entry, _, scheduled, fetched_at, _ = found
        _, stored_at, expires = entry[:3]
        if now - fetched_at >= timeout or now >= expires:
            return None
        if any(stored_at < moment <= now for moment in scheduled):
            return None
        return entry

    def put(self, key, path, entry, scheduled, epoch, now, generation_key=None):
        with self.lock:
            if not self.listening or epoch != self.epoch:
                return  # An announcement came in meanwhile: maybe stale.
            self.entries[key] = (entry, path, tuple(scheduled), now, generation_key)
            self.entries.move_to_end(key)
            while len(self.entries) > LOCAL_SIZE:
                self.entries.popitem(last=False)


local = LocalPages()


class PageCacheMiddleware:
    """
    Serve anonymous readers' pages from the shared cache, and store the
    pages views declare public. Sits above everything that could touch the
    database (sessions, auth, CSRF), and below ConditionalGetMiddleware, which
    turns a hit into a 304 when the reader's copy is current.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)
        self.timeout = settings.PAGE_CACHE_TIMEOUT
        self.local_timeout = settings.PAGE_CACHE_LOCAL_TIMEOUT
        # Pages whose freshness hangs on a generation key of their own,
        # learnt from their responses (a view never changes which).
        self.extra_generation_keys = {}

    def bypass(self, request):
        return (
            request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
            or request.path_info.startswith(self.excluded)
        )

    def __call__(self, request):
        if self.bypass(request):
            return self.get_response(request)
        try:
            url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        except DisallowedHost:
            return self.get_response(request)
        cache = _cache()
        path = request.path
        encoding = encoding_for(request)
        entry_key = ENTRY_KEY.format(encoding=encoding, digest=_digest(url))
        generation_keys = [SITE_GENERATION_KEY, _path_key(path)]
        if extra := self.extra_generation_keys.get(path):
            generation_keys.append(extra)
        started = time.time()
        use_local = self.local_timeout > 0 and hasattr(cache, "subscribe")
        if use_local:
            local.start(cache)
            entry = local.get(entry_key, started, self.local_timeout)
            if entry is not None:
                return self.hit(request, entry)
            epoch = local.epoch
        found = cache.get_many([*generation_keys, SCHEDULE_KEY, entry_key])
        generations = {key: found.get(key) for key in generation_keys}
        scheduled = found.get(SCHEDULE_KEY, ())
        entry = found.get(entry_key)
        if entry is not None and self.current(entry, generations, scheduled, started):
            if use_local:
                local.put(entry_key, path, entry, scheduled, epoch, started, extra)
            return self.hit(request, entry)

        if None in generations.values():
            # First use, or evicted: start generations afresh before the
            # view reads anything, so what it renders is stored under them.
            for key, value in generations.items():
                if value is None:
                    cache.add(key, _new_generation(), timeout=None)
            generations = cache.get_many(generation_keys)

        request.page_cache_generations = generations
        request.page_cache_scheduled = scheduled
        response = self.get_response(request)
        response["X-Page-Cache"] = "miss"
        extra = getattr(response, "page_cache_generation_key", None)
        if extra and extra not in generations:
            # Learnt only now, after the view: store nothing this time (the
            # key was not read before the view ran), and read it from the
            # next request on.
            self.extra_generation_keys[path] = extra
            cache.add(extra, _new_generation(), timeout=None)
            return response
        if request.method == "GET" and _storable(response):
            self.store(cache, entry_key, response, generations, started)
        return response

    @staticmethod
    def current(entry, generations, scheduled, now):
        stored, stored_at, expires = entry[:3]
        if now >= expires or set(stored) != set(generations):
            return False
        if any(stored_at < moment <= now for moment in scheduled):
            return False
        return all(
            generations[key] is not None and generations[key] == value
            for key, value in stored.items()
        )

    def store(self, cache, entry_key, response, generations, started):
        if None in generations.values() or not generations:
            return
        timeout = self.timeout
        if response.status_code == 404:
            timeout = min(timeout, NOT_FOUND_TIMEOUT)
        own = _seconds_left(response)
        if own is not None:
            timeout = min(timeout, own)
        if timeout <= 0:
            return
        if not response.has_header("ETag"):
            set_response_etag(response)
        response["Content-Length"] = str(len(response.content))
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() != "x-page-cache"
        ]
        entry = (
            generations,
            started,
            started + timeout,
            response.status_code,
            headers,
            response.content,
        )
        cache.set(entry_key, entry, timeout)

    @staticmethod
    def hit(request, entry):
        status, headers, content = entry[3:]
        response = HttpResponse(
            b"" if request.method == "HEAD" else content, status=status
        )
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response
