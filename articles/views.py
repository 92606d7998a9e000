from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import jsonld, publishing
from .models import Article, Author, PreviewLink, Publication, Topic
from .shape import load

PAGE_SIZE = 12
# Public pages may be kept by browsers and a CDN for a few minutes; a new
# publication changes the page's ETag and Last-Modified for revalidation.
PUBLIC_MAX_AGE = 300


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def with_last_modified(response, moment):
    response["Last-Modified"] = http_date(moment.timestamp())
    return response


def related_links(publication):
    """Related questions with a link to the live fact check that answers each."""
    related = publication.page_content()["related"]
    answer_ids = {item["answer_id"] for item in related if item["answer_id"]}
    slugs = dict(
        Publication.objects.live()
        .filter(article_id__in=answer_ids)
        .values_list("article_id", "slug")
        if answer_ids
        else ()
    )
    return [
        {
            "question": item["question"],
            "url": reverse("articles:detail", kwargs={"slug": slugs[item["answer_id"]]})
            if item["answer_id"] in slugs
            else None,
        }
        for item in related
    ]


def article_context(request, publication, *, url):
    home_url = request.build_absolute_uri("/")
    content = publication.page_content()
    return {
        "publication": publication,
        "content": content,
        "related": related_links(publication),
        "canonical_url": url,
        "structured_data": jsonld.for_publication(
            publication,
            url=url,
            home_url=home_url,
            logo_url=request.build_absolute_uri(static("img/logo.png")),
            author_urls={
                author["slug"]: request.build_absolute_uri(
                    reverse("articles:author", kwargs={"slug": author["slug"]})
                )
                for author in content["authors"]
            },
        ),
    }


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def home(request):
    page = paginate(request, Publication.objects.for_listing())
    return render(request, "home.html", {"page_obj": page})


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def search(request):
    query = request.GET.get("q", "").strip()
    page = paginate(request, Publication.objects.search(query))
    return render(request, "search.html", {"query": query, "page_obj": page})


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def article_detail(request, slug):
    publication = Publication.objects.current().filter(slug=slug).first()
    if publication is None:
        # An address the article had before a slug change moves to the new
        # one (which answers 410 if the article has since been withdrawn).
        earlier = Publication.objects.due().filter(slug=slug).first()
        current = (
            Publication.objects.current().filter(article_id=earlier.article_id).first()
            if earlier
            else None
        )
        if current is None:
            raise Http404("No fact check at this address.")
        return redirect(current, permanent=True)
    if publication.is_withdrawn():
        response = render(
            request, "articles/withdrawn.html", {"publication": publication}, status=410
        )
        return with_last_modified(response, publication.published_at)
    url = request.build_absolute_uri(publication.get_absolute_url())
    response = render(
        request,
        "articles/article_detail.html",
        article_context(request, publication, url=url),
    )
    return with_last_modified(response, publication.published_at)


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def topic_list(request):
    return render(request, "articles/topic_list.html", {"topics": Topic.objects.all()})


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    page = paginate(request, Publication.objects.for_listing().filter(topics=topic))
    return render(
        request, "articles/topic_detail.html", {"topic": topic, "page_obj": page}
    )


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    page = paginate(request, Publication.objects.for_listing().filter(authors=author))
    return render(
        request, "articles/author_detail.html", {"author": author, "page_obj": page}
    )


def render_preview(request, article):
    publication, problems = publishing.preview(load(article))
    url = request.build_absolute_uri(article.get_absolute_url())
    context = article_context(request, publication, url=url)
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
