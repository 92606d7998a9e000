"""
The one bounded in-process cache: a thread-safe mapping that drops its least
recently used entries past a limit, on entry count or on a weight (bytes).

Every per-process cache of the site goes through it, so that the locking
and eviction are written and tested once (tests/test_lru.py). A cache that
needs neither a bound nor eviction (a value computed once per process) uses
functools.cache instead.
"""

import threading
from collections import OrderedDict


class LRU:
    """
    At most `maxsize` entries (None: no count limit) and, given `weigh` (a
    function of a value), at most `budget` in total weight; a value heavier
    than the whole budget is not kept.
    """

    def __init__(self, maxsize=128, *, weigh=None, budget=None):
        if (weigh is None) != (budget is None):
            raise ValueError("Give both weigh and budget, or neither.")
        self.maxsize = maxsize
        self.weigh = weigh
        self.budget = budget
        self.weight = 0
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._entries)

    def get(self, key, default=None):
        """The value kept for `key` (now the most recently used), or `default`."""
        with self._lock:
            try:
                self._entries.move_to_end(key)
            except KeyError:
                return default
            return self._entries[key]

    def put(self, key, value):
        """Keep `value` for `key`, dropping the least recently used past the limit."""
        weight = self.weigh(value) if self.weigh else 1
        if self.budget is not None and weight > self.budget:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = value
            self.weight += weight
            while (self.maxsize is not None and len(self._entries) > self.maxsize) or (
                self.budget is not None and self.weight > self.budget
            ):
                self._drop(next(iter(self._entries)))

    def discard(self, predicate):
        """Drop every entry for which predicate(key, value) is true."""
        with self._lock:
            for key in [k for k, v in self._entries.items() if predicate(k, v)]:
                self._drop(key)

    def values(self):
        """The values kept, least recently used first (a copy)."""
        with self._lock:
            return list(self._entries.values())

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.weight = 0

    def _drop(self, key):
        value = self._entries.pop(key)
        self.weight -= self.weigh(value) if self.weigh else 1
