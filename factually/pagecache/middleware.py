"""
The middleware that serves anonymous readers' pages from the shared cache
and stores the pages views declare public.
"""

import hashlib
import math
import re
import time
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import set_response_etag
from django.utils.http import http_date, parse_http_date, split_header_value

from factually.compression import compress
from factually.lru import LRU

from . import durable, generations, pieces
from .generations import SCHEDULE_KEY, SITE_GENERATION_KEY, cache, digest, path_key
from .headers import seconds_left
from .local import local

# The version changes whenever an entry's shape does, so that new code never
# reads an entry written by old code.
ENTRY_KEY = "pagecache:v3:{encoding}:{digest}"
STORED_STATUSES = {200, 301, 404, 410}
# Not-found pages are cheap to render and unbounded in number: keep few.
NOT_FOUND_TIMEOUT = 60
# Addresses whose view (and so its declared query parameters) is known.
RESOLVED_SIZE = 1024

_br = re.compile(r"\bbr\b")
_gzip = re.compile(r"\bgzip\b")


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


def declared_query(path, urlconf=None):
    """
    The query parameters the public view at `path` reads (public(query=...)),
    or None for an address no public view answers, whose query string is
    kept whole (a redirect adding a slash keeps it).
    """
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "page_cache_query", None)


def canonical_query(query_string, names):
    """The query string with the parameters in `names` only, in their order."""
    order = {name: index for index, name in enumerate(names)}
    pairs = [
        pair
        for pair in parse_qsl(query_string, keep_blank_values=True)
        if pair[0] in order
    ]
    pairs.sort(key=lambda pair: order[pair[0]])
    return urlencode(pairs)


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
        self.durable_interval = settings.PAGE_CACHE_DURABLE_INTERVAL
        # Pages whose freshness hangs on a generation key of their own,
        # learnt from their responses (a view never changes which).
        self.extra_generation_keys = {}
        self.resolved = LRU(RESOLVED_SIZE)

    def bypass(self, request):
        return (
            request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
            or request.path_info.startswith(self.excluded)
        )

    def keep_declared_query(self, request):
        """
        Leave in the request only the query parameters its view declared,
        so that the key names everything the page reads, and nothing else.
        """
        urlconf = get_urlconf()
        found = self.resolved.get((urlconf, request.path_info), self)
        if found is self:
            found = declared_query(request.path_info, urlconf)
            self.resolved.put((urlconf, request.path_info), found)
        query_string = request.META.get("QUERY_STRING", "")
        if found is not None and query_string:
            request.META["QUERY_STRING"] = canonical_query(query_string, found)
            request.__dict__.pop("GET", None)

    def __call__(self, request):
        if self.bypass(request):
            return self.get_response(request)
        self.keep_declared_query(request)
        try:
            url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        except DisallowedHost:
            return self.get_response(request)
        store = cache()
        path = request.path
        entry_key = ENTRY_KEY.format(encoding=encoding_for(request), digest=digest(url))
        generation_keys = [SITE_GENERATION_KEY, path_key(path)]
        if extra := self.extra_generation_keys.get(path):
            generation_keys.append(extra)
        started = time.time()
        if self.durable_interval > 0:
            durable.state.start(self.durable_interval, lambda: local.forget("*"))
        use_local = self.local_timeout > 0 and hasattr(store, "subscribe")
        if use_local:
            local.start(store)
            entry = local.get(entry_key, started, self.local_timeout)
            if entry is not None:
                return self.hit(request, entry)
            epoch = local.epoch
        piece_keys = pieces.keys()
        found = store.get_many(
            [*generation_keys, *piece_keys, SCHEDULE_KEY, durable.KEY, entry_key]
        )
        current = {key: found.get(key) for key in generation_keys}
        piece_generations = {key: found.get(key) for key in piece_keys}
        scheduled = (*found.get(SCHEDULE_KEY, ()), *durable.state.moments)
        entry = found.get(entry_key)
        # Redis may have missed an invalidation the database recorded (it
        # was unreachable): then nothing it holds is served.
        if not generations.caught_up(found, durable.state.generation):
            entry = current[SITE_GENERATION_KEY] = found[SITE_GENERATION_KEY] = None
        if entry is not None and self.current(entry, current, scheduled, started):
            entry = self.with_current_pieces(
                store, entry_key, entry, piece_generations, started
            )
            if use_local:
                # Dropped when the generation of a piece in it is bumped.
                keys = (extra, *(entry[6][1] if entry[6] else ()))
                local.put(entry_key, path, entry, scheduled, epoch, started, keys)
            return self.hit(request, entry)

        if None in current.values() or None in piece_generations.values():
            # First use, or evicted: start generations afresh before the
            # view reads anything, so what it renders is stored under them.
            current.update(generations.read(generation_keys, found))
            piece_generations.update(generations.read(piece_keys, found))

        request.page_cache_generations = current
        request.page_cache_piece_generations = piece_generations
        request.page_cache_scheduled = scheduled
        response = self.get_response(request)
        response["X-Page-Cache"] = "miss"
        extra = getattr(response, "page_cache_generation_key", None)
        if extra and extra not in current:
            # Learnt only now, after the view: store nothing this time (the
            # key was not read before the view ran), and read it from the
            # next request on.
            self.extra_generation_keys[path] = extra
            generations.read([extra])
            return response
        parts = getattr(request, "page_cache_parts", None)
        if getattr(request, "page_cache_pieces", None) and parts is None:
            return response  # Its pieces could not be kept apart.
        if request.method == "GET" and _storable(response):
            self.store(store, entry_key, response, current, started, parts)
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

    def store(self, store, entry_key, response, generations, started, parts=None):
        if None in generations.values() or not generations:
            return
        if parts is not None and None in parts[1].values():
            return
        timeout = self.timeout
        if response.status_code == 404:
            timeout = min(timeout, NOT_FOUND_TIMEOUT)
        own = seconds_left(response)
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
            parts,
        )
        store.set(entry_key, entry, timeout)

    @staticmethod
    def with_current_pieces(store, entry_key, entry, piece_generations, now):
        """
        The entry, its pieces joined afresh when one has changed since it
        was stored (then stored again in place, for the next reader).
        """
        if entry[6] is None:
            return entry
        parts, state = entry[6]
        if all(piece_generations.get(key) == value for key, value in state.items()):
            return entry
        content, state = pieces.join(parts)
        headers = dict(entry[4])
        encoding = headers.get("Content-Encoding")
        body = compress(content, encoding) if encoding else content
        headers["Content-Length"] = str(len(body))
        # The same bytes give the same validator on every server.
        headers["ETag"] = (
            f'W/"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        )
        made = [generations.site_changed_at(value) for value in state.values() if value]
        if "Last-Modified" in headers and made:
            headers["Last-Modified"] = http_date(
                max(parse_http_date(headers["Last-Modified"]), max(made).timestamp())
            )
        entry = (*entry[:4], list(headers.items()), body, (parts, state))
        if None not in state.values() and (left := entry[2] - now) > 0:
            store.set(entry_key, entry, math.ceil(left))
        return entry

    @staticmethod
    def hit(request, entry):
        status, headers, content = entry[3:6]
        response = HttpResponse(
            b"" if request.method == "HEAD" else content, status=status
        )
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response
