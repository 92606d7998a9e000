"""
Counting banner views and clicks: a signed token per page view, and the
endpoint the banner script posts each event to, once per token and within a
per-address limit. The dashboard's "best variant" reads these counters.
"""

import logging
import re
import secrets

from django.core import signing
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from factually.clients import client_key, over_limit

from .models import BannerMessage
from .views import content_length, text_response

logger = logging.getLogger(__name__)

BANNER_EVENTS = {"view": "views", "click": "clicks"}
# A banner token is good for the page view that asked for it, for this long.
BANNER_TOKEN_MAX_AGE = 30 * 60
BANNER_TOKEN_SALT = "donations.banner-event"
# Per client address, in each RATE_WINDOW: tokens handed out, events counted.
RATE_WINDOW = 10 * 60
TOKENS_PER_WINDOW = 30
EVENTS_PER_WINDOW = 60


@require_safe
@never_cache
def banner_token(request):
    """
    A signed, short-lived token for one page view's banner events.

    Pages are cached and byte-identical for every reader, so a token cannot
    be baked into them: the banner script fetches one from here, uncached,
    for each page view, and sends it with that view's "view" and "click".
    The token is a random nonce signed with the secret key; the event
    endpoint counts each event of a nonce once (remembered in the cache for
    the token's lifetime), and each client address gets a bounded number of
    tokens per window, so one client cannot inflate a variant's counts.
    """
    try:
        if over_limit(client_key(request, "token"), TOKENS_PER_WINDOW, RATE_WINDOW):
            return text_response(
                "Too many banner tokens from this address; try later.",
                status=429,
                headers={"Retry-After": str(RATE_WINDOW)},
            )
    except Exception:
        # A cache outage must not break pages: without a token nothing counts.
        logger.exception("Cache unavailable for banner tokens")
        return text_response("Counting is unavailable.", status=503)
    token = signing.dumps(secrets.token_urlsafe(12), salt=BANNER_TOKEN_SALT)
    return JsonResponse({"token": token, "max_age": BANNER_TOKEN_MAX_AGE})


# Readers' browsers post here with navigator.sendBeacon(), which sends no
# CSRF token; the endpoint reads no cookie and acts for no one, so there is
# nothing for a forged request to borrow.
@csrf_exempt
@require_POST
@never_cache
def banner_event(request):
    """
    Count a view or a click of a banner message, once per page view (the
    token from banner_token), within a per-client limit. Nothing about the
    reader is stored: no cookie or session, and the address only as a keyed
    hash in a cache key that expires.
    """
    if content_length(request) > 1024:
        return text_response("Request body too large.", status=413)
    event = request.POST.get("event", "")
    field = BANNER_EVENTS.get(event)
    message_id = request.POST.get("message", "")
    if field is None:
        return text_response("event must be 'view' or 'click'.", status=400)
    if not re.fullmatch(r"[0-9]{1,18}", message_id):
        return text_response("message must be a message id.", status=400)
    try:
        nonce = signing.loads(
            request.POST.get("token", ""),
            salt=BANNER_TOKEN_SALT,
            max_age=BANNER_TOKEN_MAX_AGE,
        )
    except signing.SignatureExpired:
        return text_response("The token has expired.", status=400)
    except signing.BadSignature:
        return text_response("token must come from the banner token URL.", status=400)
    try:
        if not cache.add(
            f"donations:banner:spent:{nonce}:{event}", True, BANNER_TOKEN_MAX_AGE
        ):
            return text_response(
                "This page view's event was already counted.", status=409
            )
        if over_limit(client_key(request, "event"), EVENTS_PER_WINDOW, RATE_WINDOW):
            return text_response(
                "Too many banner events from this address; try later.",
                status=429,
                headers={"Retry-After": str(RATE_WINDOW)},
            )
    except Exception:
        logger.exception("Cache unavailable for banner events")
        return text_response("Counting is unavailable.", status=503)
    updated = BannerMessage.objects.filter(pk=int(message_id), active=True).update(
        **{field: F(field) + 1}
    )
    if not updated:
        return text_response("No active banner message has that id.", status=404)
    return HttpResponse(status=204)
