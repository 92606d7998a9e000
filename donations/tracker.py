"""
The donation banner and goal tracker as readers see them, from the cache.

Every public page carries the banner, so with a warm cache building it costs
no query. The cached value lives under a generation number, and every code
path that changes a campaign, a banner message or a donation calls
invalidate_on_commit(), which bumps the generation once the transaction has
committed. Bumping rather than deleting keeps the count exact under
concurrent writes: a request that read the database before some commit
stores its answer under the generation it read before querying, and that
commit's bump has retired that generation by the time anyone looks again.
While one process rebuilds, others serve the figure of the last rebuild, so
a burst of readers after a donation costs one count, not one each.

The pages that show the figures (goal.json, the supporters page) hang on the
same generation in the page cache (factually/pagecache/), whose bump()
announces it, so every process drops its in-memory copy of them at once and a warm goal.json costs what a cached page does.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from factually import pagecache

from .models import BannerMessage, Campaign, GoalKind, MatchingPledge

GENERATION_KEY = "donations:tracker:generation"
# A campaign changed while Redis was unreachable is recorded only as a
# site-wide invalidation: catching it up must rebuild the tracker too.
pagecache.generations.follows_the_site(GENERATION_KEY)
# The version changes whenever the cached value's shape does, so that new
# code never unpickles a value written by old code.
VALUE_KEY = "donations:tracker:v4:{generation}"
# The last rebuild's (generation, tracker): read with the generation in one
# round trip, it answers most lookups; and readers arriving while another
# process rebuilds get its tracker, whatever its generation.
LATEST_KEY = "donations:tracker:v4:latest"
REBUILD_LOCK_KEY = "donations:tracker:rebuilding"
# A safety net only: invalidation is explicit, but a change made outside the
# code paths that invalidate (a shell session, say) shows within an hour.
TIMEOUT = 60 * 60
# Longer than any rebuild; frees the lock if a process dies holding it.
REBUILD_LOCK_TIMEOUT = 30

_MISSING = object()


# As browsers' Intl.NumberFormat("en-US") writes them, which donations.js uses.
CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "CHF": "CHF\u00a0",
}


def whole_amount(minor_units: int, currency: str) -> str:
    """An amount rounded down to whole units, as readers see it: "$12,345"."""
    return f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{minor_units // 100:,}"


def reader_amount(minor_units: int, currency: str) -> str:
    """A gift as the reader chose it: "$10", or "$12.50" when it has cents."""
    if minor_units % 100 == 0:
        return whole_amount(minor_units, currency)
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    return f"{symbol}{minor_units / 100:,.2f}"


@dataclass(frozen=True)
class Tracker:
    """
    The current campaign, its active banner messages (heaviest first; the
    reader's browser picks one), its supporter count and, for an amount
    goal, the amount raised in minor units (matched money included). Its
    matching pledges not yet ended are kept whether or not they run yet:
    which one runs is decided when the banner is rendered (running_match()),
    so a match starts and stops at its times without a rebuild.
    """

    campaign: Campaign
    messages: tuple[BannerMessage, ...]
    supporters: int
    raised: int = 0
    pledges: tuple[MatchingPledge, ...] = ()

    @property
    def goal_is_amount(self) -> bool:
        return self.campaign.goal_kind == GoalKind.AMOUNT

    @property
    def goal(self) -> int:
        return self.campaign.goal

    @property
    def value(self) -> int:
        """What the goal counts: supporters, or minor units raised."""
        return self.raised if self.goal_is_amount else self.supporters

    @property
    def target(self) -> int:
        """The goal in the unit of `value`."""
        return self.campaign.goal_in_minor_units() or self.campaign.goal

    @property
    def percent(self) -> float:
        return self.campaign.percent_of_goal(self.value)

    @property
    def goal_reached(self) -> bool:
        return self.value >= self.target

    @property
    def progress(self) -> int:
        """The progress bar's value: supporters (or whole units raised), at most the goal."""
        if self.goal_is_amount:
            return min(self.raised // 100, self.goal)
        return min(self.supporters, self.goal)

    @property
    def goal_amount_display(self) -> str:
        return whole_amount(self.target, self.campaign.currency)

    @property
    def raised_display(self) -> str:
        return whole_amount(self.raised, self.campaign.currency)

    def is_running(self, now=None) -> bool:
        return self.campaign.is_running(now)

    def running_match(self, now=None) -> MatchingPledge | None:
        """The pledge matching gifts now, if one runs with money left."""
        now = now or timezone.now()
        return next((p for p in self.pledges if p.is_running(now)), None)

    def default_message(self) -> BannerMessage | None:
        """
        The message shown without JavaScript: the heaviest. The server never
        picks at random, so that every reader gets the same bytes and pages
        cache; the script picks by weight among the messages in the page.
        """
        return self.messages[0] if self.messages else None


def build() -> Tracker | None:
    """
    Read the tracker from the database: three queries, one more for an
    amount goal and one more while the campaign has a matching pledge to
    come or running.
    """
    campaign = (
        Campaign.objects.current()
        .annotate(
            has_pledges=Exists(
                MatchingPledge.objects.filter(campaign=OuterRef("pk")).not_ended()
            )
        )
        .first()
    )
    if campaign is None:
        return None
    return Tracker(
        campaign=campaign,
        messages=tuple(campaign.banner_messages.active()),
        supporters=campaign.count_supporters(),
        raised=campaign.amount_raised() if campaign.goal_kind == GoalKind.AMOUNT else 0,
        pledges=tuple(campaign.matching_pledges.not_ended())
        if campaign.has_pledges
        else (),
    )


def current() -> Tracker | None:
    """The tracker readers see, or None when no campaign is current."""
    return lookup()[1]


def lookup() -> tuple[int | None, Tracker | None]:
    """
    The tracker readers see, with the generation it was built under (None
    when the cache cannot say, as when Redis is down): what is rendered
    from the tracker can be kept under that generation and the tracker.
    """
    found = cache.get_many([GENERATION_KEY, LATEST_KEY])
    generation = pagecache.generations.read([GENERATION_KEY], found)[GENERATION_KEY]
    latest = found.get(LATEST_KEY)
    if latest is not None and generation is not None and latest[0] == generation:
        return latest
    key = VALUE_KEY.format(generation=generation)
    tracker = cache.get(key, _MISSING)
    if tracker is not _MISSING:
        return generation, tracker
    # Counting a large campaign takes a while: one process rebuilds at a
    # time, and readers arriving meanwhile get the previous figure rather
    # than all running the same count.
    rebuilding = cache.add(REBUILD_LOCK_KEY, True, timeout=REBUILD_LOCK_TIMEOUT)
    if not rebuilding and latest is not None:
        return latest
    try:
        tracker = build()
        cache.set_many({key: tracker, LATEST_KEY: (generation, tracker)}, TIMEOUT)
    finally:
        if rebuilding:
            cache.delete(REBUILD_LOCK_KEY)
    return generation, tracker


def invalidate() -> None:
    """
    Retire the cached tracker, and the pages hanging on it (goal.json, the
    supporters page) in Redis and in every process's memory; the next
    reader rebuilds them.
    """
    pagecache.bump(GENERATION_KEY)


def invalidate_banner() -> None:
    """
    A campaign or banner message changed: once the transaction commits,
    retire the cached tracker, so that every page shows the new banner (it
    is joined into cached pages as they are served) without retiring any
    page. Recorded durably, so a change made while Redis is unreachable
    still shows when it returns.
    """
    pagecache.invalidate_piece(GENERATION_KEY)


def schedule_campaign_times(campaign: Campaign | None = None) -> None:
    """
    The banner appears when a campaign starts and leaves when it ends, and
    announces a matching pledge from its start to its end, with no change
    to anything: retire every cached page at those moments (and so, through
    the site generation, every page's ETag), for `campaign`, or the current
    one. Call it whenever a campaign's or a pledge's times, or a campaign's
    being current, may have changed. (A pledge used up is a write, which
    retires the pages then: see donations.matching.)
    """
    if campaign is None:
        campaign = Campaign.objects.current().first()
    if campaign is None or not campaign.is_current:
        return
    now = timezone.now()
    moments = {campaign.starts_at, campaign.ends_at}
    for pledge in campaign.matching_pledges.not_ended():
        moments |= {pledge.starts_at, pledge.ends_at}
    for moment in sorted(moments):
        if moment > now:
            pagecache.invalidate_all(at=moment)


def invalidate_on_commit() -> None:
    """Invalidate once the current transaction commits (at once outside one)."""
    # robust: a cache outage must not turn a committed donation into an error
    # response; the timeout above bounds how long the old figure can show.
    transaction.on_commit(invalidate, robust=True)
