"""
Each process's copies of the pages it serves most, in front of Redis, kept
exact by Redis pub/sub.
"""

import contextlib
import logging
import os
import threading
import time

from factually.lru import LRU

# Invalidations are announced on this channel, so every process drops its
# local copies at once: "*", paths one a line, or GENERATION_MESSAGE naming
# another generation key that changed.
CHANNEL = "pagecache:invalidations"
GENERATION_MESSAGE = "generation:"
# Pages each process keeps in memory, in front of Redis.
LOCAL_SIZE = 256

logger = logging.getLogger(__name__)


class LocalPages:
    """
    This process's copies of pages it recently served from Redis, so that a
    hit costs no round trip. Kept exact by Redis pub/sub: every invalidation
    is announced on CHANNEL, and a thread in each process drops the copies
    it names. While that thread is not subscribed (at start, after Redis
    went away) nothing is kept; and no copy is kept longer than
    PAGE_CACHE_LOCAL_TIMEOUT, in case an announcement were ever lost.
    Pages that hang on a generation key of their own (goal.json), or hold
    a piece (factually/pagecache/pieces.py), are dropped when that
    generation is announced.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = LRU(LOCAL_SIZE)
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

    @staticmethod
    def publish(cache, message):
        """Announce `message` to every process through `cache` (if it can)."""
        if hasattr(cache, "publish"):
            cache.publish(cache.channel(CHANNEL), message)

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
        elif message.startswith(GENERATION_MESSAGE):
            generation = message.removeprefix(GENERATION_MESSAGE)
            self.entries.discard(lambda key, value: generation in value[4])
        else:
            paths = set(message.split("\n"))
            self.entries.discard(lambda key, value: value[1] in paths)

    def get(self, key, now, timeout):
        if not self.listening:
            return None
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

    def put(self, key, path, entry, scheduled, epoch, now, generation_keys=()):
        """
        Keep `entry`; `generation_keys`: the generations besides the site's
        and the path's it hangs on (announcing one drops it).
        """
        with self.lock:
            if not self.listening or epoch != self.epoch:
                return  # An announcement came in meanwhile: maybe stale.
            keys = tuple(key for key in generation_keys if key)
            self.entries.put(key, (entry, path, tuple(scheduled), now, keys))


local = LocalPages()
