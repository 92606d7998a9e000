import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Page, Publication
from donations.funding import figures as funding_figures

from . import pagecache, storage

logger = logging.getLogger(__name__)


@require_safe
@pagecache.public(max_age=60, s_maxage=60)
def funding(request):
    """
    Who funds us: the editors' text, with the figures computed live from
    donation data. It lives here because it reads both apps.
    """
    return render(
        request,
        "pages/funding.html",
        {
            "page": get_object_or_404(Page, slug=Page.Slug.FUNDING),
            "figures": funding_figures(),
        },
    )


@require_safe
@pagecache.public(max_age=60 * 60 * 24, s_maxage=60 * 60 * 24)
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
@require_safe
def healthz(request):
    """Liveness: the process answers. Touches no database or cache."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_safe
def readyz(request):
    """
    Readiness: the process can reach its database (503 otherwise, so a load
    balancer sends readers elsewhere). A cache that cannot be reached leaves
    it ready, since pages are then served from the database: the answer is
    still 200, with "cache degraded" and the reason in the body.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Readiness check failed: %s", exc)
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    cache = caches[settings.PAGE_CACHE_ALIAS]
    ping = getattr(cache, "ping", None)
    if ping is not None and not ping():
        health = cache.health
        return HttpResponse(
            f"ok\ncache degraded: {health.last_error}\n"
            f"cache errors in this process: {health.errors}\n",
            content_type="text/plain",
        )
    return HttpResponse("ok\n", content_type="text/plain")


@pagecache.public(max_age=60, s_maxage=60, stale_while_revalidate=60)
def page_not_found(request, exception):
    """
    The 404 page, which browsers and a CDN may keep for a minute, or until
    the next scheduled fact check appears (it may appear at this address).
    """
    response = defaults.page_not_found(request, exception)
    return pagecache.expire_at(response, Publication.objects.next_due_at())


@require_safe
def media(request, name):
    """
    A file the site wrote (a social card), from the default storage. Its
    name is never given to other bytes (factually/storage.py), so browsers,
    nginx and a CDN may keep it for a year without asking again.
    """
    if "\x00" in name:  # No file has one, and PostgreSQL refuses the query.
        raise Http404("No such file.")
    try:
        with default_storage.open(name) as file:
            content = file.read()
    except (FileNotFoundError, SuspiciousFileOperation) as exc:
        raise Http404("No such file.") from exc
    digest = getattr(file, "digest", None) or hashlib.sha256(content).hexdigest()
    response = HttpResponse(
        b"" if request.method == "HEAD" else content,
        content_type=getattr(file, "content_type", None) or storage.content_type(name),
    )
    response["Content-Length"] = str(len(content))
    response["ETag"] = f'"{digest[:32]}"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
