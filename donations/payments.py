"""
Recording donations, whether they arrive as Stripe webhooks, as offline gifts
entered by staff or in a CSV import. Each workflow runs in one transaction and
invalidates the cached goal tracker once it commits.
"""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import matching, tracker
from .models import (
    Currency,
    Donation,
    Supporter,
)

logger = logging.getLogger(__name__)

# Stripe's clock and ours may disagree by a little; a donation further in the
# future than this is a data error.
CLOCK_SKEW = timedelta(minutes=10)


class DonationError(ValueError):
    """A donation the rules refuse. The message says why, for staff to read."""


def validate_donation(*, email, amount, currency, received_at):
    """Raise DonationError unless the values make an acceptable donation."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise DonationError(
            _("The amount %(amount)r is not a whole number of minor units (cents).")
            % {"amount": amount}
        )
    if not 1 <= amount <= Donation.MAX_AMOUNT:
        raise DonationError(
            _(
                "The amount %(amount)s (in minor units) is out of range: it must be "
                "more than zero and at most %(max)s."
            )
            % {"amount": amount, "max": Donation.MAX_AMOUNT}
        )
    if currency not in Currency.values:
        raise DonationError(
            _("The currency %(currency)r is not accepted (accepted: %(accepted)s).")
            % {"currency": currency, "accepted": ", ".join(Currency.values)}
        )
    if not isinstance(email, str) or not email.strip():
        raise DonationError(_("There is no email address to identify the supporter."))
    try:
        validate_email(email.strip())
    except ValidationError:
        # The message goes to logs and staff pages: it does not repeat the address.
        raise DonationError(_("The email address is not valid.")) from None
    if timezone.is_naive(received_at):
        raise DonationError(_("The date received has no time zone."))
    if received_at > timezone.now() + CLOCK_SKEW:
        raise DonationError(_("The date received is in the future."))


def record_donation(
    *,
    email: str,
    amount: int,
    currency: str,
    kind: str,
    origin: str,
    received_at: datetime,
    provider_id: str = "",
    payment_intent_id: str = "",
    keep_email: bool = False,
    display_name: str = "",
    note: str = "",
    stripe_customer_id: str = "",
    banner_message_id: int | None = None,
    card_last4: str = "",
) -> tuple[Donation, bool]:
    """
    Record a donation, and its supporter when the email is new. Returns
    (donation, created); when provider_id is already recorded nothing
    changes and created is False. Raises DonationError for values the rules
    refuse. keep_email keeps the address for receipts; display_name must
    only be passed when the supporter consented to be named publicly.
    """
    validate_donation(
        email=email, amount=amount, currency=currency, received_at=received_at
    )
    email_hash = Supporter.hash_email(email)
    with transaction.atomic():
        if provider_id:
            existing = Donation.objects.filter(provider_id=provider_id).first()
            if existing is not None:
                return existing, False
        try:
            # One savepoint for the supporter and the donation, so that a
            # refused donation never leaves a supporter behind.
            with transaction.atomic():
                supporter, _created = Supporter.objects.get_or_create(
                    email_hash=email_hash
                )
                update_supporter(
                    supporter,
                    email=email.strip() if keep_email else "",
                    display_name=display_name.strip(),
                    stripe_customer_id=stripe_customer_id,
                )
                donation = Donation.objects.create(
                    supporter=supporter,
                    amount=amount,
                    currency=currency,
                    kind=kind,
                    origin=origin,
                    received_at=received_at,
                    provider_id=provider_id,
                    payment_intent_id=payment_intent_id,
                    note=note,
                    banner_message_id=banner_message_id,
                    card_last4=card_last4,
                )
                matching.match_gift(donation=donation)
        except IntegrityError:
            # Another transaction recorded the same payment in the meantime.
            existing = (
                Donation.objects.filter(provider_id=provider_id).first()
                if provider_id
                else None
            )
            if existing is None:
                raise
            return existing, False
        tracker.invalidate_on_commit()
    return donation, True


def update_supporter(supporter, *, email, display_name, stripe_customer_id=""):
    fields = []
    if stripe_customer_id and supporter.stripe_customer_id != stripe_customer_id:
        supporter.stripe_customer_id = stripe_customer_id
        fields.append("stripe_customer_id")
    if email and supporter.email != email:
        supporter.email = email
        fields.append("email")
    if display_name and supporter.display_name != display_name:
        supporter.display_name = display_name
        supporter.display_name_consented_at = timezone.now()
        fields += ["display_name", "display_name_consented_at"]
    if fields:
        supporter.save(update_fields=fields)


def refund_donation(*, donation: Donation, refunded_at: datetime) -> bool:
    """Mark a donation refunded, so it stops counting. False if it already was."""
    with transaction.atomic():
        updated = Donation.objects.filter(
            pk=donation.pk, refunded_at__isnull=True
        ).update(refunded_at=refunded_at)
        if updated:
            donation.refunded_at = refunded_at
            matching.release_match(donation=donation)
            tracker.invalidate_on_commit()
    return bool(updated)


def exclude_donation(*, donation: Donation, reason: str) -> None:
    """Stop a donation counting, giving the reason (a political group, say)."""
    reason = reason.strip()
    if not reason:
        raise DonationError(_("Give the reason for excluding the donation."))
    with transaction.atomic():
        donation.excluded_reason = reason
        donation.save(update_fields=["excluded_reason"])
        matching.release_match(donation=donation)
        tracker.invalidate_on_commit()
