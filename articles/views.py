from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import http_date, urlencode
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from . import asking, jsonld, publishing
from . import search as search_module
from .forms import AskForm, SearchForm
from .models import PREVIEW_MAX_AGE, PREVIEW_SALT, Article, Author, Publication, Topic
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
    # Results, filters, snippets and "did you mean": articles/search.py.
    form = SearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "query": "", "page_obj": None}
        return render(request, "search.html", context, status=400)
    query = form.cleaned_data["q"]
    if query:
        results = Publication.objects.search(query)
    elif form.has_filters():
        results = Publication.objects.for_listing()
    else:
        results = Publication.objects.none()
    results = search_module.narrowed(results, **form.filters())
    page = search_module.ResultsPaginator(results, PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if request.GET.get("from") == "related" and query and not page.object_list:
        # An unanswered related question we have nothing on: ask us instead.
        return redirect(reverse("articles:ask") + "?" + urlencode({"claim": query}))
    highlights = search_module.snippets(page.object_list, query) if query else {}
    for publication in page.object_list:
        publication.highlight = highlights.get(publication.pk)
    context = {
        "form": form,
        "query": query,
        "page_obj": page,
        "searched": bool(query or form.has_filters()),
        "suggestion": search_module.suggestion(query)
        if query and not page.object_list
        else None,
    }
    return render(request, "search.html", context)


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
    try:
        signed_pk = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:  # Also raised for an expired token.
        raise Http404("This preview link is invalid or has expired.") from None
    if signed_pk != pk:
        raise Http404("This preview link is for another fact check.")
    return render_preview(request, get_object_or_404(Article, pk=pk))


# Readers asking us to check a claim (issue 15); rules in articles/asking.py.


@require_http_methods(["GET", "HEAD", "POST"])
def ask(request):
    """The /ask/ form: stores nothing unless every check passes."""
    status = 200
    rate_limited = False
    if request.method == "POST":
        form = AskForm(request.POST)
        if asking.over_rate_limit(request):
            rate_limited, status = True, 429
        elif form.is_valid():
            asking.submit(**{k: form.cleaned_data[k] for k in AskForm.Meta.fields})
            return redirect("articles:ask_thanks")
        else:
            status = 400
    else:
        form = AskForm(initial={"claim": request.GET.get("claim", "")[:2000]})
    context = {
        "form": form,
        "rate_limited": rate_limited,
        "retention_days": asking.EMAIL_RETENTION_DAYS,
    }
    response = render(request, "articles/ask.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    if rate_limited:
        response["Retry-After"] = str(asking.RATE_WINDOW_SECONDS)
    return response


@require_safe
def ask_thanks(request):
    return render(
        request,
        "articles/ask_thanks.html",
        {"retention_days": asking.EMAIL_RETENTION_DAYS},
    )
