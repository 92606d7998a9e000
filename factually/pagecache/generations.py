"""
Generations: how the page cache (and anything else cached in Redis under a
generation, such as the donation tracker) retires what it stored.

A generation is a value kept in the cache under a key; whatever is stored
records the generations it was read under, and is used only while they are
unchanged. Changing one (bump()) retires everything stored under it at
once, without deleting anything, which keeps values exact under concurrent
writes: a value computed from what was read before a change committed is
stored under the generation that change retired, and nobody reads it.

Every invalidation is also recorded in the database, in the transaction of
the change (factually.models.Invalidation), and each process reads that
record every PAGE_CACHE_DURABLE_INTERVAL seconds (durable.py): a bump lost
while Redis was unreachable is made up for by the first request that
finds Redis behind the record (caught_up()).
"""

import hashlib
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from .. import frontendcache
from . import durable, pieces
from .local import GENERATION_MESSAGE, local

SITE_GENERATION_KEY = "pagecache:generation"
PATH_GENERATION_KEY = "pagecache:generation:{digest}"
# Moments (timestamps) at which every page cached before them retires.
SCHEDULE_KEY = "pagecache:scheduled"
# A generation is the time it was made, in milliseconds, then random bits:
# it never comes back as a value some old entry is stored under (not even
# when a generation key is lost from the cache, nor under a frozen clock in
# tests), and site_changed_at() can tell when it was made.
RANDOM_BITS = 20


def new_generation():
    """A fresh generation value, never one an old entry is stored under."""
    return (time.time_ns() // 1_000_000) << RANDOM_BITS | secrets.randbelow(
        2**RANDOM_BITS
    )


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def digest(text):
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def path_key(path):
    return PATH_GENERATION_KEY.format(digest=digest(path))


def read(keys, found=None):
    """
    The generations at `keys` ({key: value}), each started afresh if the
    cache had none; a value is None only when the cache cannot be reached.
    `found` is what a read of them already gave, if any.
    """
    if found is None:
        found = cache().get_many(keys)
    found = dict(found)
    missing = [key for key in keys if found.get(key) is None]
    if missing:
        for key in missing:
            cache().add(key, new_generation(), timeout=None)
        found.update(cache().get_many(missing))
    return {key: found.get(key) for key in keys}


def bump(*keys, recorded=None):
    """
    Give `keys` new generations, retiring what was stored under them, and
    tell every process to drop its in-memory copies of pages hanging on
    them. Call it after the change has committed. `recorded`: the recorded
    generation (durable.py) this bump applies.
    """
    values = {key: new_generation() for key in keys}
    if recorded is not None:
        values[durable.KEY] = recorded
    cache().set_many(values, timeout=None)
    for key in keys:
        if key == SITE_GENERATION_KEY:
            # Purged by invalidate_all(), in the transaction's own time.
            announce("*")
        else:
            announce(GENERATION_MESSAGE + key)
            frontendcache.purge_generation(key)


def announce(message):
    """Tell every process (this one at once) which pages to drop locally."""
    local.forget(message)
    local.publish(cache(), message)


def site_generation(request=None):
    """
    The site generation: a value every invalidate_all() replaces (every
    topic or author change, every publish) and every change to a piece of
    the pages (the banner: every campaign, banner or donation change), or
    None when the cache cannot say. A page's ETag can be built from it without rendering the page.
    Given the request, the value the page cache read for it before the view
    ran (the one the page is stored under), with no second round trip.
    """
    generations = getattr(request, "page_cache_generations", None)
    if generations is not None:
        generation = generations.get(SITE_GENERATION_KEY)
        scheduled = getattr(request, "page_cache_scheduled", ())
        piece_generations = getattr(request, "page_cache_piece_generations", {})
    else:
        piece_keys = pieces.keys()
        found = cache().get_many([SITE_GENERATION_KEY, SCHEDULE_KEY, *piece_keys])
        generation = found.get(SITE_GENERATION_KEY)
        scheduled = found.get(SCHEDULE_KEY, ())
        piece_generations = {key: found.get(key) for key in piece_keys}
    if generation is None:
        return None
    # A piece of the page (the banner) changed is a change to the page too.
    return max(
        [
            with_schedule(generation, scheduled, time.time()),
            *(value for value in piece_generations.values() if value is not None),
        ]
    )


def with_schedule(generation, scheduled, now):
    """
    The site generation as pages see it: a scheduled moment that has come
    (a publication due, a campaign ending) counts as a change made at that
    moment, so validators built from it change then, as the pages do.
    """
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


def schedule(moment, recorded=None):
    """Retire, at `moment` (a datetime), every page cached before it."""
    store = cache()
    now = time.time()
    # A moment older than the longest an entry lives can retire nothing;
    # but the latest that has come stays, as site_generation() counts it.
    keep = now - settings.PAGE_CACHE_TIMEOUT
    known = store.get(SCHEDULE_KEY) or ()
    passed = [m for m in known if m <= now]
    moments = [m for m in known if m > keep] + ([max(passed)] if passed else [])
    values = {SCHEDULE_KEY: sorted({*moments, moment.timestamp()})}
    if recorded is not None:
        values[durable.KEY] = recorded
    store.set_many(values, timeout=None)
    announce("*")


def generation_changed(key):
    """
    Announce that `key`, a generation some pages hang on (named by their
    views with response.page_cache_generation_key), has just been bumped:
    every process drops its in-memory copies of those pages. Call it after
    the bump, never before: a process that drops its copy reads the new
    generation from Redis next.
    """
    announce(GENERATION_MESSAGE + key)


def invalidate(*paths):
    """
    Retire the cached pages at `paths` ("/fact-checks/slug/"), with every
    query string and encoding, once the current transaction commits.
    """
    if paths:
        _record(paths=paths)
        frontendcache.purge_paths(paths)


def invalidate_all(*, at=None):
    """
    Retire every cached page once the current transaction commits, or, with
    `at` (a scheduled publication's time), retire at that moment every page
    cached before it.
    """
    _record(at=at)
    frontendcache.purge_site(at=at)


def invalidate_piece(key):
    """
    A piece of the pages changed (the banner, whose generation is at
    `key`): once the current transaction commits, retire its generation, so
    that every page shows the piece anew without being retired itself, and
    purge a frontend cache of every page (it keeps pages whole). Recorded
    like every invalidation: if Redis misses it, the catch-up retires every
    page and every generation following the site's.
    """
    recorded = durable.record(paths=(GENERATION_MESSAGE + key,))
    transaction.on_commit(lambda: bump(key, recorded=recorded), robust=True)
    frontendcache.purge_site()


def _record(*, paths=(), at=None):
    # In the database now, in the transaction of the change; in Redis once
    # it commits: a reader arriving between the change and the commit would
    # otherwise cache the old page again.
    recorded = durable.record(paths=paths, at=at)
    transaction.on_commit(
        lambda: committed(paths=paths, at=at, recorded=recorded), robust=True
    )


def committed(*, paths=(), at=None, recorded=None):
    """
    An invalidation has committed: retire the pages it names (`paths`, or
    every page; at `at` if given) in the page cache and in every process.
    The one place every invalidation passes through once it holds.
    """
    if at is not None:
        schedule(at, recorded)
    elif paths:
        values = {path_key(path): new_generation() for path in paths}
        if recorded is not None:
            values[durable.KEY] = recorded
        cache().set_many(values, timeout=None)
        announce("\n".join(paths))
    else:
        bump(SITE_GENERATION_KEY, recorded=recorded)


# Generations of values that whatever retires every page also changes (the
# donation tracker's, which a campaign change bumps beside invalidate_all()):
# a cache found behind the database's record retires them too.
FOLLOWING_THE_SITE = set()


def follows_the_site(key):
    """Retire the generation `key` whenever a lost invalidation is caught up."""
    FOLLOWING_THE_SITE.add(key)


def caught_up(found, recorded):
    """
    Whether the cache has applied every invalidation this process read from
    the database (`recorded`), given what was read from it (`found`); if
    not, apply them now, for every process: retire every page, and every
    generation that follows the site's.
    """
    if recorded is None or (found.get(durable.KEY) or 0) >= recorded:
        return True
    bump(SITE_GENERATION_KEY, *sorted(FOLLOWING_THE_SITE), recorded=recorded)
    return False
