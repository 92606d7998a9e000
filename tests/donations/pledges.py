"""A factory for matching pledges, shared by the matching tests."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from donations.models import MatchingPledge

from .factories import CampaignFactory


class MatchingPledgeFactory(DjangoModelFactory):
    class Meta:
        model = MatchingPledge

    campaign = factory.SubFactory(CampaignFactory)
    matcher = factory.Sequence(lambda n: f"Matcher {n}")
    amount = 5000
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=3))


def named(**fields):
    """A pledge whose matcher consented to be named ("Ada Trust" unless given)."""
    return MatchingPledgeFactory(
        **{
            "public_name": "Ada Trust",
            "public_name_consented_on": timezone.localdate(),
            **fields,
        }
    )
