"""Previews of a draft: for signed-in staff, and through a share link."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles.factchecks import article_page_frames as frames
from articles.factchecks import publishing
from articles.factchecks.models import Article
from articles.factchecks.shape import load

from .models import PreviewLink


def render_preview(request, article):
    publication, problems = publishing.preview(load(article))
    context = frames.context(publication)
    context.update(preview=True, problems=problems)
    response = render(request, "articles/preview.html", context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def preview(request, pk):
    if not request.user.has_perm("articles.view_article"):
        raise Http404("No fact check at this address.")
    return render_preview(request, get_object_or_404(Article, pk=pk))


@require_safe
def shared_preview(request, pk, token):
    link = PreviewLink.objects.find(article_id=pk, token=token)
    if link is None:
        raise Http404("This preview link is invalid, revoked or has expired.")
    return render_preview(request, link.article)
