"""
Invalidations that survive a Redis outage.

Every invalidation is a row of factually.models.Invalidation, written in the
transaction of the change it follows. Each process reads, every
PAGE_CACHE_DURABLE_INTERVAL seconds in a thread of its own (so a request
never waits for it and a cache hit stays free of queries), the latest
row's generation (its time and id: it grows with each row) and the
scheduled moments still to matter. Redis keeps, beside the site
generation, the recorded generation of the last invalidation it applied
(KEY, set with each bump). A process that finds Redis behind its own
reading knows Redis missed an invalidation (it was unreachable, or
restarted from an old snapshot): it bumps the site generation and stores
its reading, once for every process, before serving anything. So after an
outage no page older than the last change is served, as soon as Redis
answers, provided the process has read the row (within the interval of
the commit).
"""

import logging
import os
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, router
from django.utils import timezone

logger = logging.getLogger(__name__)

# Where Redis keeps the recorded generation it has applied.
KEY = "pagecache:recorded"
RANDOM_BITS = 20


def generation(pk, created_at):
    """The recorded generation a row makes: its time, then its id's low bits."""
    made = int(created_at.timestamp() * 1000)
    return made << RANDOM_BITS | pk % 2**RANDOM_BITS


def record(*, paths=(), at=None):
    """Record an invalidation in the current transaction; its generation."""
    from factually.models import Invalidation

    row = Invalidation.objects.create(paths="\n".join(paths), at=at)
    return generation(row.pk, row.created_at)


def read():
    """
    The recorded generation (None: no invalidation yet) and the scheduled
    moments still to matter. The generation is made from the latest row's
    time and id, so it grows with every row (two cheap, indexed queries).
    """
    from factually.models import Invalidation

    rows = Invalidation.objects.all()
    latest = rows.order_by("-pk").values_list("pk", "created_at").first()
    keep = timezone.now() - timedelta(seconds=settings.PAGE_CACHE_TIMEOUT)
    moments = rows.filter(at__gt=keep).values_list("at", flat=True)
    moments = tuple(sorted(moment.timestamp() for moment in moments))
    return (generation(*latest) if latest else None), moments


def prune(*, before):
    """
    Delete the recorded invalidations made before `before` (a datetime)
    that no process needs: all but the latest (whose generation Redis is
    compared with) and those scheduled at a moment still to matter.
    Returns how many were deleted.
    """
    return prunable(before).delete()[0]


def prunable(before):
    """The rows prune(before=before) would delete."""
    from factually.models import Invalidation

    rows = Invalidation.objects.all()
    latest = rows.order_by("-pk").values_list("pk", flat=True).first()
    keep = timezone.now() - timedelta(seconds=settings.PAGE_CACHE_TIMEOUT)
    return (
        rows.filter(created_at__lt=before)
        .exclude(pk=latest)
        .exclude(at__gt=keep)
        .order_by()
    )


class Recorded:
    """This process's latest reading of the recorded invalidations."""

    def __init__(self):
        self.generation = None
        self.moments = ()
        self.pid = None
        self.lock = threading.Lock()

    def start(self, interval, on_change):
        """Read every `interval` seconds, once per process (after a fork too)."""
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()
            self.generation, self.moments = None, ()
        threading.Thread(
            target=self._poll,
            args=(interval, on_change, self.pid),
            name="pagecache-durable",
            daemon=True,
        ).start()

    def refresh(self, on_change=None):
        """Read the record now; calls on_change() when it changed."""
        state = read()
        changed = state != (self.generation, self.moments)
        self.generation, self.moments = state
        if changed and on_change is not None:
            on_change()

    def _poll(self, interval, on_change, pid):
        from factually.models import Invalidation

        alias = router.db_for_read(Invalidation)
        failing = False
        while self.pid == pid:
            try:
                self.refresh(on_change)
                failing = False
            except DatabaseError as exc:
                # The last reading stands: pages stay served from the cache
                # while the database is away.
                if not failing:
                    logger.warning("Recorded invalidations unreadable: %s", exc)
                failing = True
                connections[alias].close()
            time.sleep(interval)


state = Recorded()
