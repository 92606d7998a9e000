"""
Recording donations, whether they arrive as Stripe webhooks, as offline gifts
entered by staff or in a CSV import. Each workflow runs in one transaction and
invalidates the cached goal tracker once it commits.
"""

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails, matching, tracker
from .models import (
    BannerMessage,
    Currency,
    Donation,
    OutgoingEmail,
    Supporter,
    WebhookEvent,
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
                _update_supporter(
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


def _update_supporter(supporter, *, email, display_name, stripe_customer_id=""):
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


# Stripe webhooks


def process_stripe_event(*, event: dict) -> WebhookEvent | None:
    """
    Act on a verified Stripe event exactly once. Returns the event's record,
    or None when the event id was already processed: a redelivery, even one
    arriving at the same moment, changes nothing.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                # On PostgreSQL a concurrent copy of the event blocks here on
                # the unique index until this transaction ends, then fails.
                record = WebhookEvent.objects.create(
                    event_id=event["id"],
                    type=event["type"],
                    livemode=bool(event.get("livemode")),
                    occurred_at=_from_timestamp(event.get("created")),
                    outcome=WebhookEvent.Outcome.IGNORED,
                )
        except IntegrityError:
            return None
        handler = _HANDLERS.get(record.type)
        if record.livemode != settings.STRIPE_LIVEMODE:
            mode = "live" if record.livemode else "test"
            outcome, detail = WebhookEvent.Outcome.IGNORED, f"a {mode}-mode event"
            logger.warning("Ignored Stripe event %s: %s", record.event_id, detail)
        elif handler is None:
            outcome, detail = WebhookEvent.Outcome.IGNORED, "an event type not handled"
        else:
            try:
                with transaction.atomic():
                    outcome, detail = handler(event["data"]["object"], record)
            except DonationError as exc:
                outcome, detail = WebhookEvent.Outcome.REJECTED, str(exc)
                logger.error("Rejected Stripe event %s: %s", record.event_id, exc)
        record.outcome = outcome
        record.detail = detail[:300]
        record.save(update_fields=["outcome", "detail", "reference"])
    return record


def _checkout_session_completed(session, record):
    """A one-off payment, or the first payment of a subscription."""
    mode = session.get("mode")
    if mode not in ("payment", "subscription"):
        return WebhookEvent.Outcome.IGNORED, f"a {mode} session takes no payment"
    if session.get("payment_status") != "paid":
        return WebhookEvent.Outcome.IGNORED, "the session is not paid yet"
    recurring = mode == "subscription"
    # A subscription's first payment is its first invoice, which invoice.paid
    # also reports: recording both under the invoice id counts it once.
    payment_intent_id = "" if recurring else _id(session.get("payment_intent"))
    provider_id = _id(session.get("invoice")) if recurring else payment_intent_id
    if not provider_id:
        raise DonationError(_("The session names no payment intent or invoice."))
    details = session.get("customer_details") or {}
    email = _text(details.get("email")) or _text(session.get("customer_email"))
    return _record_stripe_payment(
        record,
        email=email,
        amount=session.get("amount_total"),
        currency=_text(session.get("currency")).upper(),
        kind=Donation.Kind.RECURRING if recurring else Donation.Kind.ONE_OFF,
        provider_id=provider_id,
        payment_intent_id=payment_intent_id,
        display_name=_public_name(session),
        stripe_customer_id=_id(session.get("customer")),
        banner_message_id=_banner_message_id(session),
        card_last4=_card_last4(session.get("payment_intent")),
    )


def _invoice_paid(invoice, record):
    """A subscription renewal (or its first payment, recorded once)."""
    if not invoice.get("amount_paid"):
        return WebhookEvent.Outcome.IGNORED, "nothing was paid"
    provider_id = _id(invoice.get("id"))
    if not provider_id:
        raise DonationError(_("The invoice has no id."))
    recurring = _text(invoice.get("billing_reason")).startswith("subscription")
    paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
    return _record_stripe_payment(
        record,
        email=_text(invoice.get("customer_email")),
        amount=invoice.get("amount_paid"),
        currency=_text(invoice.get("currency")).upper(),
        kind=Donation.Kind.RECURRING if recurring else Donation.Kind.ONE_OFF,
        provider_id=provider_id,
        payment_intent_id=_invoice_payment_intent(invoice),
        received_at=_from_timestamp(paid_at) if paid_at else None,
        stripe_customer_id=_id(invoice.get("customer")),
    )


def _invoice_payment_failed(invoice, record):
    """A monthly gift's renewal failed: tell the supporter how to fix it."""
    invoice_id = _id(invoice.get("id"))
    if not invoice_id:
        raise DonationError(_("The invoice has no id."))
    record.reference = invoice_id
    if _text(invoice.get("billing_reason")) != "subscription_cycle":
        # A first payment that fails happens in Checkout, in front of the reader.
        return WebhookEvent.Outcome.IGNORED, "not the renewal of a monthly gift"
    email = _text(invoice.get("customer_email"))
    try:
        validate_email(email)
    except ValidationError:
        raise DonationError(_("The invoice has no valid customer email.")) from None
    owed = emails.owe(
        kind=OutgoingEmail.Kind.PAYMENT_FAILED,
        reference=f"invoice:{invoice_id}",
        to=email,
        context={
            "amount": invoice.get("amount_due")
            if isinstance(invoice.get("amount_due"), int)
            else 0,
            "currency": _text(invoice.get("currency")).upper(),
        },
    )
    if not owed:
        return WebhookEvent.Outcome.IGNORED, f"invoice {invoice_id} already notified"
    return WebhookEvent.Outcome.NOTIFIED, f"payment-failed email for {invoice_id}"


def _record_stripe_payment(record, *, received_at=None, **fields):
    provider_id, payment_intent_id = fields["provider_id"], fields["payment_intent_id"]
    record.reference = provider_id
    _lock_payments(provider_id, payment_intent_id)
    donation, created = record_donation(
        origin=Donation.Origin.STRIPE,
        received_at=received_at or record.occurred_at,
        # Kept to send the receipt and answer "manage my donation".
        keep_email=True,
        **fields,
    )
    if not created:
        # The invoice.paid copy of a first payment names the payment intent
        # that the checkout session did not; refunds will need it.
        if (
            payment_intent_id
            and not donation.payment_intent_id
            and not Donation.objects.filter(
                payment_intent_id=payment_intent_id
            ).exists()
        ):
            donation.payment_intent_id = payment_intent_id
            donation.save(update_fields=["payment_intent_id"])
            _apply_held_refund(donation)
        return WebhookEvent.Outcome.IGNORED, f"payment {provider_id} already recorded"
    first_gift = not donation.supporter.donations.exclude(pk=donation.pk).exists()
    emails.owe_donation_emails(donation=donation, first_gift=first_gift)
    detail = f"donation #{donation.pk}"
    if _apply_held_refund(donation):
        detail += ", refunded by an earlier event"
    return WebhookEvent.Outcome.RECORDED, detail


def _charge_refunded(charge, record):
    """A refund stops the donation counting (the supporter may still count)."""
    payment_intent_id = _id(charge.get("payment_intent"))
    # Stripe API versions before 2025-03-31 also name the invoice.
    references = [ref for ref in (payment_intent_id, _id(charge.get("invoice"))) if ref]
    if not references:
        raise DonationError(_("The refunded charge names no payment intent."))
    record.reference = references[0]
    if not charge.get("refunded"):
        return (
            WebhookEvent.Outcome.IGNORED,
            f"a partial refund ({charge.get('amount_refunded')} of "
            f"{charge.get('amount')}): the donation still counts",
        )
    _lock_payments(*references)
    donation = Donation.objects.filter(
        Q(payment_intent_id__in=references) | Q(provider_id__in=references)
    ).first()
    if donation is None:
        # Stripe does not promise to deliver events in order: keep the refund
        # and apply it when the payment arrives.
        return WebhookEvent.Outcome.HELD, "no donation for this payment yet"
    if not refund_donation(donation=donation, refunded_at=record.occurred_at):
        return WebhookEvent.Outcome.IGNORED, f"donation #{donation.pk} already refunded"
    return WebhookEvent.Outcome.REFUNDED, f"donation #{donation.pk} refunded"


def _apply_held_refund(donation):
    references = [
        ref for ref in (donation.provider_id, donation.payment_intent_id) if ref
    ]
    held = (
        WebhookEvent.objects.filter(
            type="charge.refunded",
            outcome=WebhookEvent.Outcome.HELD,
            reference__in=references,
        )
        .order_by("occurred_at")
        .first()
    )
    if held is None:
        return False
    refund_donation(donation=donation, refunded_at=held.occurred_at)
    held.outcome = WebhookEvent.Outcome.REFUNDED
    held.detail = f"donation #{donation.pk} refunded when its payment arrived"
    held.save(update_fields=["outcome", "detail"])
    return True


_HANDLERS = {
    "checkout.session.completed": _checkout_session_completed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
    "charge.refunded": _charge_refunded,
}


def _lock_payments(*references):
    """
    Serialise the transactions about one payment (its charge, its refund)
    until they commit, so that a refund racing its own payment is never
    lost. SQLite runs one writing transaction at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for reference in sorted({ref for ref in references if ref}):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"donations.payment:{reference}"],
            )


def _id(value):
    """A Stripe id, whether the field holds the id or the expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _text(value):
    return value.strip() if isinstance(value, str) else ""


def _from_timestamp(value):
    if isinstance(value, bool) or not isinstance(value, int):
        return timezone.now()
    return datetime.fromtimestamp(value, tz=UTC)


def _invoice_payment_intent(invoice):
    # Before API version 2025-03-31 the invoice names its payment intent;
    # since then it sits in the invoice's payments, when they are included.
    if payment_intent := _id(invoice.get("payment_intent")):
        return payment_intent
    payments = (invoice.get("payments") or {}).get("data") or []
    for payment in payments:
        if payment_intent := _id((payment.get("payment") or {}).get("payment_intent")):
            return payment_intent
    return ""


def _banner_message_id(session):
    value = (session.get("metadata") or {}).get("banner_variant")
    if not isinstance(value, str) or not value.isdigit() or len(value) > 18:
        return None
    # A variant deleted since the reader clicked it is simply not credited.
    return (
        BannerMessage.objects.filter(pk=int(value)).values_list("pk", flat=True).first()
    )


def _card_last4(payment_intent):
    # Only when the event carries the expanded payment intent and its charge.
    if not isinstance(payment_intent, dict):
        return ""
    charge = payment_intent.get("latest_charge")
    if not isinstance(charge, dict):
        return ""
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    last4 = card.get("last4")
    return (
        last4 if isinstance(last4, str) and len(last4) == 4 and last4.isdigit() else ""
    )


def _public_name(session):
    # The support page's "you may name me" puts the name the reader typed in
    # the metadata; ticking the box is the consent.
    name = _text((session.get("metadata") or {}).get("public_name"))
    if name:
        return name[:100]
    # A Payment Link may ask "Name to show publicly (optional)" in a text
    # custom field with the key "publicname": filling it in is the consent.
    for field in session.get("custom_fields") or []:
        if isinstance(field, dict) and field.get("key") == "publicname":
            return _text((field.get("text") or {}).get("value"))[:100]
    return ""
