from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import (
    condition,
    require_safe,
)

from factually import pagecache

from . import article_page_frames as frames
from . import article_page_query as page_query
from .about_pages import Page
from .models import Author, Topic
from .prerendered_pages import absolute, release_key, rendered
from .publications import REMOVED, Publication

PAGE_SIZE = 12


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@pagecache.public(query=("page",))
def home(request):
    page = paginate(request, Publication.objects.for_listing())
    response = render(request, "home.html", {"page_obj": page})
    # A scheduled fact check joins the list at its time, not when the
    # cached page happens to expire.
    return pagecache.expire_at(response, Publication.objects.next_due_at())


def current_publication(request, slug):
    """
    The article's current publication at `slug` (None: not here), read
    once per request, and the site generation beside it: all the article
    page's validators need, so a conditional request is answered before
    anything renders.
    """
    if not hasattr(request, "_current_publication"):
        request._current_publication = (
            # The columns the page is made from, by SQL compiled once.
            page_query.current(slug),
            pagecache.site_generation(request),
        )
    return request._current_publication


def article_etag(request, slug):
    """
    Weak: the page's bytes are the publication's pre-rendered HTML (which
    version, from which templates) inside a banner that changes with the
    site generation, and the supporter count as it was when rendered, which
    the page's script refreshes from goal.json.
    """
    publication, generation = current_publication(request, slug)
    if publication is None or generation is None:
        return None
    return f'W/"{publication.pk}-{release_key()[:12]}-{generation:x}"'


def article_last_modified(request, slug):
    publication, generation = current_publication(request, slug)
    if publication is None or generation is None:
        return None
    return max(publication.published_at, pagecache.site_changed_at(generation))


@require_safe
@pagecache.public()
@pagecache.tagged("fact-check-{slug}")
@condition(etag_func=article_etag, last_modified_func=article_last_modified)
def article_detail(request, slug):
    publication, _ = current_publication(request, slug)
    if publication is None:
        # An address the article had before a slug change, or its address in
        # other capitals, moves to the current one (which answers 410 if the
        # article has since been withdrawn).
        earlier = Publication.objects.due().matching_slug(slug).first()
        current = (
            Publication.objects.current().filter(article_id=earlier.article_id).first()
            if earlier
            else None
        )
        if current is None:
            raise Http404("No fact check at this address.")
        return redirect(current, permanent=True)
    if publication.is_withdrawn():
        # The notice shows the note and the history: the whole row.
        publication = Publication.objects.get(pk=publication.pk)
        return render(
            request, "articles/withdrawn.html", {"publication": publication}, status=410
        )
    return frames.page(request, rendered(publication))


@require_safe
def answer(request, pk):
    """
    Where a related question's answer is now: its fact check's current
    address, or, when it is not on the site, a search for the question.
    """
    current = Publication.objects.live().filter(article_id=pk).first()
    if current is None:
        query = {"q": request.GET.get("q", ""), "from": "related"}
        return redirect(f"{reverse('search')}?{urlencode(query)}")
    return redirect(current)


def version_state(request, slug, version):
    """
    The version at `slug` readers may see (None: not here), the article's
    current publication and the site generation, read once per request:
    all a version page's validators need, so a conditional request is
    answered before anything renders.
    """
    if not hasattr(request, "_version_state"):
        publication = Publication.objects.of_version(slug, version)
        current = (
            Publication.objects.current().get(article_id=publication.article_id)
            if publication is not None
            else None
        )
        request._version_state = (
            publication,
            current,
            pagecache.site_generation(request),
        )
    return request._version_state


def version_validators(page):
    """
    ETag and Last-Modified functions for a version page (`page`: "version"
    or "changes"), from what the page shows without rendering it: which
    version, whether it was removed, the current version it points to,
    the templates of its own HTML and the site generation (the banner).
    None for a page that is not there or moves elsewhere.
    """

    def state(request, slug, version):
        publication, current, generation = version_state(request, slug, version)
        if publication is None or generation is None or current.slug != slug:
            return None
        if page == "changes" and (
            publication.is_withdrawn() or publication.page_content()["changes"] is None
        ):
            return None  # Not found.
        return publication, current, generation

    def etag(request, slug, version):
        found = state(request, slug, version)
        if found is None:
            return None
        publication, current, generation = found
        removal = getattr(publication, "removal", None)
        removed = f"r{removal.pk}-" if removal is not None else ""
        return (
            f'W/"{page}-{publication.pk}-{current.pk}-{removed}'
            f'{release_key()[:12]}-{generation:x}"'
        )

    def last_modified(request, slug, version):
        found = state(request, slug, version)
        if found is None:
            return None
        publication, current, generation = found
        removal = getattr(publication, "removal", None)
        moments = [
            publication.published_at,
            current.published_at,
            pagecache.site_changed_at(generation),
        ]
        if removal is not None:
            moments.append(removal.removed_at)
        return max(moments)

    return condition(etag_func=etag, last_modified_func=last_modified)


def version_response(request, template, publication, context):
    """A page of one version: its own address canonical, never indexed."""
    removal = getattr(publication, "removal", None)
    if removal is not None:
        template, status = "articles/version_removed.html", 410
        context = {"removal": removal}
    else:
        status = 200
    response = render(
        request, template, {"publication": publication, **context}, status=status
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@pagecache.public()
@pagecache.tagged("fact-check-{slug}")
@version_validators("version")
def version_detail(request, slug, version):
    publication, current, _ = version_state(request, slug, version)
    if publication is None:
        raise Http404("No fact check at this address.")
    if current.slug != slug:
        return redirect(
            "articles:version", slug=current.slug, version=version, permanent=True
        )
    context = {
        "current": current,
        "canonical_url": absolute(current.get_absolute_url()),
    }
    if not publication.is_withdrawn():
        context |= frames.context(rendered(publication))
    return version_response(
        request, "articles/version_detail.html", publication, context
    )


@require_safe
@pagecache.public()
@pagecache.tagged("fact-check-{slug}")
@version_validators("changes")
def version_changes(request, slug, version):
    publication, current, _ = version_state(request, slug, version)
    if publication is None:
        raise Http404("No fact check at this address.")
    changes = (
        None if publication.is_withdrawn() else publication.page_content()["changes"]
    )
    if changes is None:
        raise Http404("This version changed nothing it could show.")
    if current.slug != slug:
        return redirect(
            "articles:changes", slug=current.slug, version=version, permanent=True
        )
    history = {entry["version"]: entry for entry in publication.history()}
    previous = history.get(changes["against"])
    if previous is not None and previous["kind"] == REMOVED:
        # Words marked as deleted would be the removed version's own text.
        changes = None
    return version_response(
        request,
        "articles/version_changes.html",
        publication,
        {
            "current": current,
            "canonical_url": absolute(current.get_absolute_url()),
            "changes": changes,
            "entry": history[publication.version],
            "previous": previous,
        },
    )


@require_safe
@pagecache.public(query=("page",))
def corrections(request):
    page = paginate(request, Publication.objects.for_corrections_log())
    return render(request, "articles/corrections.html", {"page_obj": page})


@require_safe
@pagecache.public()
def about_page(request, slug):
    """One of the about pages; the team page lists the team from the database."""
    page = get_object_or_404(Page, slug=slug)
    context = {"page": page}
    if slug == Page.Slug.TEAM:
        context["authors"] = Author.objects.prefetch_related(
            Prefetch(
                "publications",
                queryset=Publication.objects.live().order_by("-first_published_at"),
                to_attr="live_fact_checks",
            )
        )
    return render(request, f"pages/{slug}.html", context)


@require_safe
@pagecache.public()
def topic_list(request):
    return render(
        request, "articles/topic_list.html", {"topics": Topic.objects.public()}
    )


@require_safe
@pagecache.public(query=("page",))
@pagecache.tagged("topic-{slug}")
def topic_detail(request, slug):
    # A topic no live fact check names answers as if it did not exist.
    topic = get_object_or_404(Topic.objects.public().matching_slug(slug))
    if topic.slug != slug:
        return redirect(topic, permanent=True)
    page = paginate(request, Publication.objects.for_listing().filter(topics=topic))
    return render(
        request, "articles/topic_detail.html", {"topic": topic, "page_obj": page}
    )


@require_safe
@pagecache.public(query=("page",))
@pagecache.tagged("author-{slug}")
def author_detail(request, slug):
    author = get_object_or_404(Author.objects.public().matching_slug(slug))
    if author.slug != slug:
        return redirect(author, permanent=True)
    page = paginate(request, Publication.objects.for_listing().filter(authors=author))
    return render(
        request, "articles/author_detail.html", {"author": author, "page_obj": page}
    )
