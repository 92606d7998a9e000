import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from articles.models import Page
from donations.funding import figures as funding_figures

logger = logging.getLogger(__name__)


@require_safe
@cache_control(public=True, max_age=60)
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
@cache_control(public=True, max_age=60 * 60 * 24)
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
    """Readiness: the process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Readiness check failed: %s", exc)
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")
