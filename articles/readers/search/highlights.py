"""
Reader search: highlighted titles and snippets for one page of results.
"""

from django.db import connections
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat, Left
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.factchecks.publications import Publication

from .documents import _plain
from .ranking import _rank_query
from .text import _START, _STOP, CONFIG, SNIPPET_SOURCE, clean_query, parse


def _marked(headline: str) -> SafeString:
    """A headline escaped, with our markers turned into <mark> elements."""
    return mark_safe(  # noqa: S308 - everything but our markers is escaped.
        escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


def snippets(publications, query: str) -> dict[int, dict]:
    """
    Highlighted title and snippet for each of `publications` (one page of
    results), by pk: {"title": html, "snippet": html}. Empty on databases
    other than PostgreSQL, whose pages show titles and excerpts as they are.
    """
    from django.contrib.postgres.search import SearchHeadline

    ids = [publication.pk for publication in publications]
    parsed = parse(clean_query(query))
    if not ids or connections[Publication.objects.db].vendor != "postgresql":
        return {}
    search_query = _rank_query(parsed)
    if search_query is None:
        return {}
    options = {"start_sel": _START, "stop_sel": _STOP, "config": CONFIG}
    rows = (
        Publication.objects.filter(pk__in=ids)
        .order_by()  # Keyed by pk: no need for the default order's join.
        .annotate(
            title_html=SearchHeadline(
                _plain(F("title")), search_query, highlight_all=True, **options
            ),
            snippet_html=SearchHeadline(
                # The opening of the text is enough for two fragments.
                _plain(
                    Left(
                        Concat(
                            F("excerpt"),
                            Value(" "),
                            F("body_text"),
                            output_field=TextField(),
                        ),
                        SNIPPET_SOURCE,
                    )
                ),
                search_query,
                max_fragments=2,
                max_words=28,
                min_words=12,
                fragment_delimiter=" … ",
                **options,
            ),
        )
        .values_list("pk", "title_html", "snippet_html")
    )
    return {
        pk: {"title": _marked(title), "snippet": _marked(snippet)}
        for pk, title, snippet in rows
    }
