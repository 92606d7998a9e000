"""
The newsroom the model acts in: its people, the records they share, the
text a fact check is imported from, and a Redis that can be cut off.

Every piece of text the model writes carries a made-up word of its own (a
"token", consonants only, so that it is neither a number nor a real word):
whether a page reveals a draft is then a question of which tokens it shows.
"""

import datetime
import itertools
import re

from sources.models import Source
from tests.roles import UserFactory, create_roles, staff

SOURCE_URLS = ["https://records.example/canvass", "https://court.example/order"]
# Consonants only: no stemmer shortens such a word, so a search finds one
# token only by the whole of it, never another by a shared stem.
LETTERS = "bcdfghjklmnpqrstvwxz"
TOKEN = re.compile(rf"\bqz[{LETTERS}]{{4}}\b")
# Nothing listens on port 9 (discard) on loopback.
DOWN_REDIS_URL = "redis://127.0.0.1:9/0"


class Tokens:
    """Made-up words, never the same twice in one example: qzbbbb, qzbbbc, …"""

    def __init__(self):
        self._words = ("qz" + "".join(p) for p in itertools.product(LETTERS, repeat=4))
        self.issued = []

    def __call__(self):
        word = next(self._words)
        self.issued.append(word)
        return word


def create_people():
    """A writer, two editors and a superuser, as the roles the migrations make."""
    create_roles()
    return {
        "writer": staff("Writer", username="wren"),
        "editor": staff("Editor", username="edith"),
        "editor2": staff("Editor", username="eamon"),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }


def create_shared_records():
    """The sources imported fact checks cite, a topic, and a running campaign."""
    from django.utils import timezone

    from articles.models import Topic
    from tests.donations.factories import CampaignFactory

    for number, url in enumerate(SOURCE_URLS, 1):
        Source.objects.create(title=f"Record {number}", publisher="County", url=url)
    Topic.objects.create(name="Elections", slug="elections")
    CampaignFactory(
        name="Winter drive",
        is_current=True,
        starts_at=timezone.now() - datetime.timedelta(days=3650),
        ends_at=timezone.now() + datetime.timedelta(days=3650),
    )


def fact_check_text(tokens, *, long_title=False) -> str:
    """
    A fact check as copied from a web page, with "\n" line endings as
    pasted text has: a summary that answers "No.", a section with a number,
    and both shared sources listed with their addresses.
    """
    title = f"Fact check: Did the county {tokens()} hide the recount?"
    if long_title:
        # The length whose slug crashed publishing on PostgreSQL (issue 19).
        title = title[:-1] + " " + " ".join(tokens() for _ in range(12)) + "?"
    return "\n".join(
        [
            title,
            "Checked on November 2, 2025",
            "Executive Summary",
            f"No. The Government {tokens()} counted in public [1].",
            "",
            "1. The observers",
            f"The logbook lists 150 observers {tokens()} [1].",
            "",
            f"Observers {tokens()} signed in and out [2].",
            "",
            "Sources",
            f"[1] Canvass report {SOURCE_URLS[0]}",
            f"[2] Court order {SOURCE_URLS[1]}",
            "",
        ]
    )


class RedisSwitch:
    """
    Cuts this process off from Redis and back, keeping what Redis holds (a
    network partition, not a restart): the cache backend's client is
    swapped for one aimed at a closed port. Does nothing without Redis.
    """

    def __init__(self):
        self.available = hasattr(_backend(), "health")
        self.down = False
        self._client = None

    def cut(self):
        if not self.available or self.down:
            return
        backend = _backend()
        self._client = backend._cache
        options = {**backend._options, "socket_connect_timeout": 0.05}
        backend.__dict__["_cache"] = backend._class([DOWN_REDIS_URL], **options)
        self.down = True

    def restore(self):
        if not self.down:
            return
        backend = _backend()
        backend.__dict__["_cache"] = self._client
        backend.health.failed_at = None
        self.down = False


def _backend():
    from django.core.cache import caches

    return caches["default"]
