"""
The about pages' public history: each dated version as readers read it,
and what it changed, marked word by word (`articles.factchecks.about_page_versions`).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from factually import pagecache

from .about_pages import PageVersion


def _version(slug, number):
    return get_object_or_404(
        PageVersion.objects.select_related("page"), page__slug=slug, number=number
    )


def _respond(request, template, version):
    response = render(
        request,
        template,
        {"version": version, "page": version.page, "current": version.page},
    )
    # The current page is the one to index; a version is a record.
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@pagecache.public()
def page_version(request, slug, number):
    """One version of an about page, as readers read it then."""
    return _respond(request, "pages/version.html", _version(slug, number))


@require_safe
@pagecache.public()
def page_changes(request, slug, number):
    """What one version of an about page changed, word by word."""
    version = _version(slug, number)
    if version.number == 1:
        raise Http404("The first version changed nothing.")
    return _respond(request, "pages/changes.html", version)
