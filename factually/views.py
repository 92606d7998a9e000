import logging

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from articles.models import Publication, clean_reader_query
from articles.views import PAGE_SIZE, PUBLIC_MAX_AGE

logger = logging.getLogger(__name__)


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def home(request):
    page = Paginator(Publication.objects.for_listing(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "home.html", {"page_obj": page})


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def search(request):
    query = clean_reader_query(request.GET.get("q", ""))
    page = Paginator(Publication.objects.search(query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "search.html", {"query": query, "page_obj": page})


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
