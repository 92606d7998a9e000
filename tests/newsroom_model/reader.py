"""
What an anonymous reader is served, and what a fresh render would give.
"""

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache

from articles.factchecks import article_page_query as page_query


class Reader:
    """
    An anonymous reader's view of the site through the test client. A page
    the page cache served (a hit) is also rendered afresh with every cache
    out of the way, to compare; a miss is a fresh render already, and is
    kept, so the next step's visit reads it from the cache.
    """

    def __init__(self, client):
        self.client = client
        self.pages = {}

    def fetch(self, path):
        """The page as served, and a fresh render of it (None if that is what was served)."""
        served = self.client.get(path)
        self.pages[path] = served.content.decode()
        if served.get("X-Page-Cache") != "hit":
            return served, None
        return served, self.fresh(path)

    def fresh(self, path):
        connections = caches._connections
        kept = getattr(connections, "default", None)
        connections.default = DummyCache("fresh", {})
        page_query.html_cache.clear()
        try:
            return self.client.get(path)
        finally:
            page_query.html_cache.clear()
            if kept is None:
                del connections.default
            else:
                connections.default = kept
