import json
import logging
import re

import stripe
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from factually import pagecache

from . import payments, tracker
from .models import BannerMessage

logger = logging.getLogger(__name__)

# Stripe's events are a few kilobytes; anything this big is not one of them.
MAX_WEBHOOK_BODY = 256 * 1024
# How old a signature may be before a delivery counts as a replay.
SIGNATURE_TOLERANCE = 300
BANNER_EVENTS = {"view": "views", "click": "clicks"}


def text_response(message, status=200, **kwargs):
    return HttpResponse(
        message + "\n", status=status, content_type="text/plain", **kwargs
    )


# Served from the page cache when warm, before the session, CSRF and auth
# middleware run and with no query; exact, because the cached answer hangs
# on the tracker's generation, which every donation path bumps.
@csrf_exempt
@require_safe
@pagecache.public(max_age=30, s_maxage=5, stale_while_revalidate=30)
def goal(request):
    """The tracker's figures, for the script that refreshes cached pages."""
    current = tracker.current()
    if current is None:
        response = JsonResponse({"error": "No campaign is running."}, status=404)
    else:
        response = JsonResponse(
            {
                "campaign": current.campaign.name,
                "goal": current.goal,
                "supporters": current.supporters,
                "percent": current.percent,
                "ends_at": current.campaign.ends_at,
            }
        )
    response.page_cache_generation_key = tracker.GENERATION_KEY
    return response


# Readers' browsers post here with navigator.sendBeacon(), which sends no
# CSRF token; the endpoint reads no cookie and acts for no one, so there is
# nothing for a forged request to borrow.
@csrf_exempt
@require_POST
@never_cache
def banner_event(request):
    """
    Count a view or a click of a banner message. Nothing about the reader is
    read or stored: no address, cookie or session, only the counter moves.
    """
    if content_length(request) > 1024:
        return text_response("Request body too large.", status=413)
    field = BANNER_EVENTS.get(request.POST.get("event", ""))
    message_id = request.POST.get("message", "")
    if field is None:
        return text_response("event must be 'view' or 'click'.", status=400)
    if not re.fullmatch(r"[0-9]{1,18}", message_id):
        return text_response("message must be a message id.", status=400)
    updated = BannerMessage.objects.filter(pk=int(message_id), active=True).update(
        **{field: F(field) + 1}
    )
    if not updated:
        return text_response("No active banner message has that id.", status=404)
    return HttpResponse(status=204)


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
    try:
        stripe.WebhookSignature.verify_header(
            payload,
            request.headers.get("Stripe-Signature"),
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
        record = payments.process_stripe_event(event=event)
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


def content_length(request):
    # Django reads an unparsable Content-Length as an empty body; so does this.
    try:
        return int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return 0


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
