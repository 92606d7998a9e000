"""
Stripe's events, acted on exactly once: a paid Checkout Session, a paid or
failed invoice of a monthly gift, a refund. Each becomes a call to the
workflows in `payments`, in the transaction that records the event.
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails
from .models import (
    BannerMessage,
    Donation,
    OutgoingEmail,
    WebhookEvent,
)
from .payments import DonationError, record_donation, refund_donation

logger = logging.getLogger(__name__)


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
