"""
Reader search: "did you mean", from the vocabulary of the live documents.
"""

import re

from django.db import connections

from .text import MAX_WORDS, MIN_PREFIX, _unaccented, clean_query


def suggestion(query: str) -> str | None:
    """
    "Did you mean": the query with each word the documents do not contain
    replaced by the most similar word they do (trigram similarity), or None
    when there is nothing better to offer. PostgreSQL only.
    """
    from django.contrib.postgres.search import TrigramSimilarity

    from ..models import SearchWord

    if connections[SearchWord.objects.db].vendor != "postgresql":
        return None
    cleaned = clean_query(query)
    words = re.findall(r"\w+", cleaned)[:MAX_WORDS]
    candidates = {
        _unaccented(w.lower())
        for w in words
        if len(w) >= MIN_PREFIX and not w.isdigit()
    }
    known = set(
        SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True)
    )
    replacements = {}
    for word in candidates - known:
        best = (
            SearchWord.objects.filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        if best:
            replacements[word] = best
    if not replacements:
        return None
    return re.sub(
        r"\w+",
        lambda m: replacements.get(_unaccented(m.group().lower()), m.group()),
        cleaned,
    )
