"""Stripe webhook payloads, signed offline the way Stripe signs them."""

import itertools
import json
import time

import stripe
from django.conf import settings
from django.urls import reverse

_numbers = itertools.count(1)


def unique(prefix):
    return f"{prefix}_test{next(_numbers):06d}"


def event(type, obj, *, event_id=None, livemode=None, created=None):
    return {
        "id": event_id or unique("evt"),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "type": type,
        "livemode": settings.STRIPE_LIVEMODE if livemode is None else livemode,
        "created": int(time.time()) if created is None else created,
        "data": {"object": obj},
    }


def checkout_completed(
    *,
    email="reader@example.org",
    amount=500,
    currency="usd",
    payment_intent=None,
    mode="payment",
    invoice=None,
    payment_status="paid",
    public_name=None,
    **kwargs,
):
    session = {
        "id": unique("cs"),
        "object": "checkout.session",
        "mode": mode,
        "payment_status": payment_status,
        "amount_total": amount,
        "currency": currency,
        "customer_details": {"email": email, "name": "Private Name"},
        "payment_intent": payment_intent if mode == "payment" else None,
        "invoice": invoice if mode == "subscription" else None,
        "subscription": unique("sub") if mode == "subscription" else None,
        "custom_fields": [],
    }
    if public_name is not None:
        session["custom_fields"].append(
            {"key": "publicname", "type": "text", "text": {"value": public_name}}
        )
    return event("checkout.session.completed", session, **kwargs)


def invoice_paid(
    *,
    invoice_id,
    email="reader@example.org",
    amount=500,
    currency="usd",
    billing_reason="subscription_cycle",
    payment_intent=None,
    paid_at=None,
    **kwargs,
):
    invoice = {
        "id": invoice_id,
        "object": "invoice",
        "billing_reason": billing_reason,
        "amount_paid": amount,
        "currency": currency,
        "customer_email": email,
        "status": "paid",
        "status_transitions": {"paid_at": paid_at},
    }
    if payment_intent:
        invoice["payments"] = {
            "object": "list",
            "data": [
                {
                    "payment": {
                        "type": "payment_intent",
                        "payment_intent": payment_intent,
                    }
                }
            ],
        }
    return event("invoice.paid", invoice, **kwargs)


def invoice_payment_failed(
    *,
    invoice_id,
    email="reader@example.org",
    amount=500,
    currency="usd",
    billing_reason="subscription_cycle",
    **kwargs,
):
    invoice = {
        "id": invoice_id,
        "object": "invoice",
        "billing_reason": billing_reason,
        "amount_due": amount,
        "amount_paid": 0,
        "currency": currency,
        "customer": "cus_test_1",
        "customer_email": email,
        "status": "open",
        "attempt_count": 1,
    }
    return event("invoice.payment_failed", invoice, **kwargs)


def charge_refunded(*, payment_intent, amount=500, amount_refunded=None, **kwargs):
    amount_refunded = amount if amount_refunded is None else amount_refunded
    charge = {
        "id": unique("ch"),
        "object": "charge",
        "payment_intent": payment_intent,
        "amount": amount,
        "amount_refunded": amount_refunded,
        "refunded": amount_refunded >= amount,
        "currency": "usd",
    }
    return event("charge.refunded", charge, **kwargs)


def signature(payload, *, secret=None, timestamp=None):
    return stripe.WebhookSignature.generate_signature_header(
        payload, secret or settings.STRIPE_WEBHOOK_SECRET, timestamp=timestamp
    )


def deliver(client, event=None, *, body=None, headers=None, **sign_kwargs):
    """POST an event (or a raw body) to the webhook, signed unless headers are given."""
    payload = body if body is not None else json.dumps(event)
    if headers is None:
        headers = {"Stripe-Signature": signature(payload, **sign_kwargs)}
    return client.post(
        reverse("donations:stripe-webhook"),
        data=payload,
        content_type="application/json",
        headers=headers,
    )
