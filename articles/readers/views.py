"""Readers' pages: search, and asking for a claim to be checked."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from articles.factchecks.publications import Publication
from articles.factchecks.views import PAGE_SIZE
from factually import pagecache

from . import asking
from . import search as search_module
from .forms import AskForm, SearchForm


@require_safe
@pagecache.public(query=(*SearchForm.base_fields, "page", "from"))
def search(request):
    # Results, filters, snippets and "did you mean": articles/readers/search/.
    form = SearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "query": "", "page_obj": None}
        return render(request, "search.html", context, status=400)
    query = form.cleaned_data["q"]
    if query:
        paginator = search_module.results(query, per_page=PAGE_SIZE, **form.filters())
    else:
        listed = (
            Publication.objects.for_listing().prefetch_related("topics")
            if form.has_filters()
            else Publication.objects.none()
        )
        paginator = search_module.ResultsPaginator(
            search_module.narrowed(listed, **form.filters()), PAGE_SIZE
        )
    page = paginator.get_page(request.GET.get("page"))
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
