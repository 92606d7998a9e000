"""
Matching gifts against a matcher's pledge, and releasing the match of a gift
that stops counting. Both run inside the transaction that records or
refunds the gift, with the pledge's row locked, so that gifts arriving at
the same moment at the edge of a pledge never match past it (the database's
check constraint refuses it in any case).
"""

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from factually import pagecache

from .models import Donation, MatchedGift, MatchingPledge

# Gifts a matcher is asked to match: paid by card through Stripe, or
# received another way and entered by staff. Imported history is not.
MATCHED_ORIGINS = (Donation.Origin.STRIPE, Donation.Origin.OFFLINE)


def match_gift(*, donation: Donation) -> MatchedGift | None:
    """
    Match a newly recorded gift from the pledge running when it was
    received, up to what is left of it. Returns the match, or None when no
    pledge covers the gift or it is used up. A pledge used up by this gift
    retires every cached page once the transaction commits, so that no page
    goes on announcing the match.
    """
    if donation.origin not in MATCHED_ORIGINS or not donation.is_counted():
        return None
    with transaction.atomic():
        pledges = (
            MatchingPledge.objects.covering(donation.received_at)
            .filter(campaign__currency=donation.currency)
            # Every gift covered by this pledge waits here for the one
            # before it to commit, then reads what it left.
            .select_for_update(of=("self",))
        )
        for pledge in pledges:
            share = min(donation.amount, pledge.pledged - pledge.matched)
            if share <= 0:
                continue
            MatchingPledge.objects.filter(pk=pledge.pk).update(
                matched=F("matched") + share
            )
            if pledge.matched + share >= pledge.pledged:
                pagecache.invalidate_all()
            return MatchedGift.objects.create(
                pledge=pledge, donation=donation, amount=share
            )
    return None


def release_match(*, donation: Donation) -> int:
    """
    Give a refunded or excluded gift's matched share back to its pledge,
    which matches later gifts with it. Returns the share released (0 when
    the gift was not matched). A pledge used up until now starts showing
    again: every cached page is retired once the transaction commits.
    """
    with transaction.atomic():
        match = (
            MatchedGift.objects.select_for_update().filter(donation=donation).first()
        )
        if match is None:
            return 0
        pledge = MatchingPledge.objects.select_for_update().get(pk=match.pledge_id)
        MatchingPledge.objects.filter(pk=pledge.pk).update(
            matched=F("matched") - match.amount
        )
        match.delete()
        if pledge.matched >= pledge.pledged:
            pagecache.invalidate_all()
        return match.amount


def is_matching_now() -> Exists:
    """Annotate campaigns with whether one of their pledges matches gifts now."""
    return Exists(MatchingPledge.objects.filter(campaign=OuterRef("pk")).running())


def figures(pledge: MatchingPledge | None) -> dict | None:
    """A running match as goal.json gives it to the banner's script, or None."""
    if pledge is None:
        return None
    return {
        "matcher": pledge.public_name,
        "pledged": pledge.pledged,
        "left": pledge.left,
        "ends_at": pledge.ends_at,
    }
