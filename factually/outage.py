"""
A database outage answers 503 with Retry-After, never a 500.

PostgreSQL being unreachable is an outage, not a bug: the reader gets the
branded 503 page (templates/503.html, which needs neither the database nor
the cache), a client or load balancer is told when to come back, and Stripe,
whose webhooks get the same 503, retries its deliveries. Pages already in
the page cache are still served, since the page cache answers before
anything here runs. The outage is logged once per LOG_INTERVAL, not once
per request.
"""

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER = 30
LOG_INTERVAL = 60

_lock = threading.Lock()
_logged_at = None


def _log(request, exc):
    global _logged_at
    now = time.monotonic()
    with _lock:
        if _logged_at is not None and now - _logged_at < LOG_INTERVAL:
            return
        _logged_at = now
    logger.error(
        "Database unavailable (%s: %s) answering %s %s with 503; "
        "further failures in the next %d s are not logged.",
        type(exc).__name__,
        exc,
        request.method,
        request.path,
        LOG_INTERVAL,
    )


@never_cache
def service_unavailable(request, exception=None):
    """The 503 page, with Retry-After; renders without the database."""
    body = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DatabaseOutageMiddleware:
    """Turn a view's database connection error into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            _log(request, exception)
            return service_unavailable(request, exception)
        return None


def handler500(request):
    """
    Django's 500 handler, except that a database outage raised outside a
    view (in a middleware, say) still gets the 503 page.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, OUTAGE_ERRORS):
        return service_unavailable(request, exception)
    return server_error(request)
