"""
Stripe's webhook: the one address Stripe calls, which checks that a
delivery is Stripe's own before `stripe_events.process_stripe_event` records it.
"""

import json
import logging

import stripe
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import stripe_events
from .views import content_length, text_response

logger = logging.getLogger(__name__)

# Stripe's events are a few kilobytes; anything this big is not one of them.
MAX_WEBHOOK_BODY = 256 * 1024
# How old a signature may be before a delivery counts as a replay.
SIGNATURE_TOLERANCE = 300


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """
    Stripe's webhook: verify the signature, then record the event once.
    Anything not signed by Stripe with our secret gets a 400 and changes
    nothing; a database outage gets a 503, which Stripe retries.
    """
    if content_length(request) > MAX_WEBHOOK_BODY:
        return text_response("Request body too large.", status=413)
    payload = request.body
    header = request.headers.get("Stripe-Signature", "")
    # Stripe's signatures are ASCII; the library cannot compare anything
    # else and would raise TypeError, a 500 for anyone who sends one.
    if not header.isascii():
        logger.warning("Refused a Stripe webhook: non-ASCII Stripe-Signature")
        return text_response("Invalid Stripe-Signature: it must be ASCII.", status=400)
    try:
        stripe.WebhookSignature.verify_header(
            payload,
            header,
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=SIGNATURE_TOLERANCE,
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        logger.warning("Refused a Stripe webhook: %s", exc)
        return text_response("Invalid Stripe-Signature.", status=400)
    try:
        event = json.loads(payload)
    except ValueError:
        return text_response("The body is not JSON.", status=400)
    if not is_stripe_event(event):
        return text_response("The body is not a Stripe event.", status=400)
    try:
        record = stripe_events.process_stripe_event(event=event)
    except (OperationalError, InterfaceError) as exc:
        logger.error("Database unavailable for Stripe event %s: %s", event["id"], exc)
        return text_response(
            "Database unavailable, try again.",
            status=503,
            headers={"Retry-After": "60"},
        )
    if record is None:
        return text_response("Already processed.")
    return text_response(f"{record.outcome}: {record.detail}")


def is_stripe_event(event):
    return (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and 0 < len(event["id"]) <= 255
        and isinstance(event.get("type"), str)
        and 0 < len(event["type"]) <= 100
        and isinstance(event.get("created"), int)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    )
