"""
The donations models, one module per concern: amounts and currencies
(`money`), supporters and donations (`gifts`), campaigns and banner
messages (`campaigns`), other ways to give (`giving`), and the webhook log and email outbox (`messages`).
Supporting organisations (`organisations`) and readers' testimonials
(`testimonials`) have a module each.
Import them from here: `from donations.models import Donation`.
"""

from .campaigns import (
    BannerMessage,
    BannerMessageQuerySet,
    Campaign,
    CampaignQuerySet,
    GoalKind,
)
from .gifts import (
    MAX_DONATION_AMOUNT,
    Donation,
    DonationKind,
    DonationOrigin,
    DonationQuerySet,
    Supporter,
    SupporterQuerySet,
    normalise_email,
)
from .giving import GivingMethod, GivingMethodQuerySet
from .matching import MatchedGift, MatchingPledge, MatchingPledgeQuerySet
from .messages import OutgoingEmail, OutgoingEmailQuerySet, WebhookEvent
from .money import MINOR_DIGITS, Currency, format_amount
from .organisations import Organisation, OrganisationQuerySet, OrganisationTier
from .testimonials import TESTIMONIAL_MAX_LENGTH, Testimonial, TestimonialQuerySet

__all__ = [
    "MAX_DONATION_AMOUNT",
    "MINOR_DIGITS",
    "BannerMessage",
    "BannerMessageQuerySet",
    "Campaign",
    "CampaignQuerySet",
    "Currency",
    "Donation",
    "DonationKind",
    "DonationOrigin",
    "DonationQuerySet",
    "GivingMethod",
    "GivingMethodQuerySet",
    "GoalKind",
    "MatchedGift",
    "MatchingPledge",
    "MatchingPledgeQuerySet",
    "Organisation",
    "OrganisationQuerySet",
    "OrganisationTier",
    "OutgoingEmail",
    "OutgoingEmailQuerySet",
    "Supporter",
    "SupporterQuerySet",
    "TESTIMONIAL_MAX_LENGTH",
    "Testimonial",
    "TestimonialQuerySet",
    "WebhookEvent",
    "format_amount",
    "normalise_email",
]
