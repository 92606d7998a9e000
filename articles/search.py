"""
Reader search over live publications: PostgreSQL full-text search weighted
title > summary > body (GIN-indexed), and a plain substring match on other
databases.
"""

import unicodedata

from django.db import connections
from django.db.models import Q, QuerySet

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10


def clean_reader_query(text: str) -> str:
    """
    A search query as a reader typed it (or a robot sent it), made safe to
    hand to the database: compatibility characters folded (full-width
    letters, ligatures), control and format characters, surrogates and
    unassigned code points replaced by spaces (PostgreSQL refuses a NUL in a
    string), whitespace collapsed, and the length capped.
    """
    # Normalising a megabyte to keep 200 characters would be wasted work.
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_LENGTH * 4])
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char for char in text
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def search_vector():
    """
    The weighted full-text document of a publication (PostgreSQL only). A GIN
    index on exactly this expression (migration 0003) makes search fast.
    """
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("excerpt", weight="B", config="english")
        + SearchVector("body_text", weight="C", config="english")
    )


def matching(publications: QuerySet, query: str) -> QuerySet:
    """`publications` that match the words of `query`, best first."""
    query = clean_reader_query(query)
    if not query:
        return publications.none()
    if connections[publications.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        search_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            publications.annotate(document=search_vector())
            .filter(document=search_query)
            .annotate(rank=SearchRank(search_vector(), search_query))
            .order_by("-rank", "-first_published_at")
            .prefetch_related("topics")
        )
    matches = Q()
    for word in query.split()[:MAX_WORDS]:
        matches &= (
            Q(title__icontains=word)
            | Q(excerpt__icontains=word)
            | Q(body_text__icontains=word)
        )
    return (
        publications.filter(matches)
        .order_by("-first_published_at")
        .prefetch_related("topics")
    )
