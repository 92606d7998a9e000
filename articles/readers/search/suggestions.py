"""
Reader search: "did you mean", from the vocabulary of the live documents.

The vocabulary (`SearchWord`) only grows: a scheduled version adds its words
when it is published, a withdrawn or superseded one leaves them. So it is a
list of candidates, and a word is known, or offered, only while a fact
check readers can see now contains it (`_public()`): suggestions never
reveal a word of a scheduled, withdrawn or removed version.
"""

import re

from django.db import connections

from articles.factchecks.publications import Publication

from ..models import SearchWord
from .text import CONFIG, MAX_WORDS, MIN_PREFIX, _unaccented, clean_query

# Similar words tried, best first, for each unknown word of a query.
CANDIDATES = 5


def _public(word: str) -> bool:
    """Whether a fact check readers can see now contains `word` as a word."""
    from django.contrib.postgres.search import SearchQuery
    from django.db.models import Q

    # The stemmed index narrows the rows; the unaccented match on the text
    # keeps only those holding this very word (vocabulary words are
    # letters only, so the pattern needs no escaping).
    pattern = rf"\m{word}\M"
    return (
        Publication.objects.live()
        .filter(search_document=SearchQuery(word, config=CONFIG))
        .filter(
            Q(title__unaccent__iregex=pattern)
            | Q(excerpt__unaccent__iregex=pattern)
            | Q(body_text__unaccent__iregex=pattern)
        )
        .exists()
    )


def suggestion(query: str) -> str | None:
    """
    "Did you mean": the query with each word the documents do not contain
    replaced by the most similar word they do (trigram similarity), or None
    when there is nothing better to offer. PostgreSQL only.
    """
    from django.contrib.postgres.search import TrigramSimilarity

    if connections[SearchWord.objects.db].vendor != "postgresql":
        return None
    cleaned = clean_query(query)
    words = re.findall(r"\w+", cleaned)[:MAX_WORDS]
    candidates = {
        _unaccented(w.lower())
        for w in words
        if len(w) >= MIN_PREFIX and not w.isdigit()
    }
    in_vocabulary = set(
        SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True)
    )
    known = {word for word in in_vocabulary if _public(word)}
    replacements = {}
    for word in candidates - known:
        similar = (
            SearchWord.objects.filter(word__trigram_similar=word)
            .exclude(word=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)[:CANDIDATES]
        )
        best = next((found for found in similar if _public(found)), None)
        if best:
            replacements[word] = best
    if not replacements:
        return None
    return re.sub(
        r"\w+",
        lambda m: replacements.get(_unaccented(m.group().lower()), m.group()),
        cleaned,
    )
