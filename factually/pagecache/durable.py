"""
Invalidations that survive a Redis outage.

Every invalidation is a row of factually.models.Invalidation, written in the
transaction of the change it follows. Each process reads, every
PAGE_CACHE_DURABLE_INTERVAL seconds in a thread of its own (so a request
never waits for it and a cache hit stays free of queries), a summary of
those rows: a generation derived from their number and the latest one's
time, and the scheduled moments still to matter. The page cache stores
every page under that generation beside Redis's, so a page cached before
an invalidation Redis never heard of (it was unreachable) is not served
once the process has read the row: within the interval of the commit,
whatever Redis holds when it comes back.
"""

import logging
import os
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, router
from django.db.models import Count, Max
from django.utils import timezone

logger = logging.getLogger(__name__)

# The key the recorded generation has among a page's generations.
KEY = "pagecache:recorded"
RANDOM_BITS = 20


def record(*, paths=(), at=None):
    """Record an invalidation in the current transaction."""
    from factually.models import Invalidation

    Invalidation.objects.create(paths="\n".join(paths), at=at)


def read():
    """The recorded generation (None: no invalidation yet) and moments."""
    from factually.models import Invalidation

    rows = Invalidation.objects.all()
    summary = rows.aggregate(count=Count("pk"), latest=Max("created_at"))
    generation = None
    if summary["count"]:
        made = int(summary["latest"].timestamp() * 1000)
        generation = made << RANDOM_BITS | summary["count"] % 2**RANDOM_BITS
    keep = timezone.now() - timedelta(seconds=settings.PAGE_CACHE_TIMEOUT)
    moments = rows.filter(at__gt=keep).values_list("at", flat=True)
    return generation, tuple(sorted(moment.timestamp() for moment in moments))


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
