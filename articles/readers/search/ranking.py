"""
Reader search: which publications a query finds and in what order, the
filters, and the capped count of results.
"""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from articles.factchecks.publications import UNLISTED, Publication

from .text import CONFIG, ParsedQuery, clean_query, parse

# How common lexemes are: the share of documents holding each, from the
# statistics ANALYZE keeps on search_document (most_common_elems), with the
# table's row estimate. A lexeme not listed is rarer than every one listed.
COMMON_LEXEMES_SQL = """
SELECT f.lexeme, f.freq, (
    SELECT reltuples FROM pg_class WHERE oid = 'articles_publication'::regclass
)
FROM pg_stats AS s,
     unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
         AS f(lexeme, freq)
WHERE s.tablename = 'articles_publication' AND s.attname = 'search_document'
  AND f.lexeme IS NOT NULL
"""
LEXEMES_SQL = """
SELECT word, tsvector_to_array(to_tsvector(%s, word)) FROM unnest(%s::text[]) AS word
"""
# Statistics change only with ANALYZE: read them at most this often.
STATISTICS_MAX_AGE = 600

# A word in more than this share of the documents, and in more than this
# many, is "common": it ranks results but does not find them on its own (as
# Lucene's common terms query does), so that a question never drags in most
# of the archive to rank. A small archive has no common words.
COMMON = 0.02
COMMON_MIN_DOCUMENTS = 500
# A query of common words only ("is it true") finds the documents holding
# all of them, which can be most of the archive. When each is in more than
# DENSE of the documents, it ranks the newest BROAD of those only (read
# newest first until there are enough, which takes few rows when most
# match); one more than the count shows, so the page says "more than 1,000
# results". Rarer ones are fewer than DENSE of the archive to rank.
BROAD = 1001
DENSE = 0.1


def common_lexemes(*, using="default") -> dict[str, float]:
    """
    The lexemes too common to find results on their own, with the share of
    the documents holding each (cached).
    """

    def read():
        with connections[using].cursor() as cursor:
            cursor.execute(COMMON_LEXEMES_SQL)
            return sorted(
                (lexeme, share)
                for lexeme, share, rows in cursor.fetchall()
                if share > COMMON and share * rows > COMMON_MIN_DOCUMENTS
            )

    key = f"articles.readers.search.common-shares:{COMMON}:{COMMON_MIN_DOCUMENTS}"
    return dict(cache.get_or_set(key, read, STATISTICS_MAX_AGE))


def word_shares(words, *, using="default", prefix=None) -> dict[str, tuple]:
    """
    Each word's kind, and the share of the documents it is in (at most; 0
    for rare and stop words). Kinds: "stop" (a stop word, never searched),
    "common" (too common to find results on its own) or "rare". With
    `prefix`, the last word, still being typed: that word is "broad" when it
    begins common words in more than DENSE of the documents ("tru"), as a
    prefix it would find as much.
    """
    if not words:
        return {}
    common = common_lexemes(using=using)

    def kind(word, lexemes):
        if not lexemes:
            return "stop", 0
        if all(lexeme in common for lexeme in lexemes):
            return "common", min(common[lexeme] for lexeme in lexemes)
        if word == prefix:
            begun = min(
                sum(share for other, share in common.items() if other.startswith(lex))
                for lex in lexemes
            )
            if begun > DENSE:
                return "broad", min(begun, 1.0)
        return "rare", 0

    with connections[using].cursor() as cursor:
        cursor.execute(LEXEMES_SQL, [CONFIG, list(words)])
        return {word: kind(word, lexemes) for word, lexemes in cursor.fetchall()}


def word_kinds(words, *, using="default", prefix=None) -> dict[str, str]:
    """Each word's kind, as `word_shares()` tells it."""
    shares = word_shares(words, using=using, prefix=prefix)
    return {word: kind for word, (kind, _share) in shares.items()}


def _raw(text):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, search_type="raw", config=CONFIG)


def _rank_query(parsed: ParsedQuery):
    """What results are ranked by: every word, OR'd, and the phrases."""
    from django.contrib.postgres.search import SearchQuery

    query = _raw(parsed.tsquery()) if parsed.words else None
    if parsed.phrases or (parsed.excluded and query is not None):
        websearch = SearchQuery(
            parsed.websearch(), search_type="websearch", config=CONFIG
        )
        query = websearch if query is None else query & websearch
    return query


def _match(parsed: ParsedQuery, *, using) -> Q | None:
    """
    Which publications a query finds. Each rare word finds the documents
    holding it; common words only rank, unless the query has nothing else,
    when they find the documents holding all of them (the newest BROAD
    when each is in most documents); a last word still being typed finds
    the titles, excerpts and claims it begins a word of, unless it begins
    common words, when it counts as one.
    Phrases and minus words then narrow the lot.
    """
    from django.contrib.postgres.search import SearchQuery

    last = parsed.words[-1] if parsed.words else ""
    shares = word_shares(parsed.words, using=using, prefix=parsed.prefix and last)
    kinds = {word: kind for word, (kind, _share) in shares.items()}
    rare = [word for word in parsed.words if kinds[word] == "rare"]
    common = [word for word in parsed.words if kinds[word] in ("common", "broad")]
    found = Q()
    if rare:
        found |= Q(search_document=_raw(parsed.tsquery(rare, prefix=False)))
    if common and not rare:
        broad = kinds[last] == "broad"  # Then last, and a prefix.
        every = Q(
            search_document=_raw(parsed.tsquery(common, operator="&", prefix=broad))
        )
        dense = min(shares[word][1] for word in common) > DENSE
        found |= _newest(every) if dense else every
    if parsed.prefix and kinds[last] not in ("common", "broad"):
        found |= Q(search_head=_raw(f"'{last}':*"))
    narrowing = None
    if parsed.phrases or parsed.excluded:
        narrowing = SearchQuery(
            parsed.websearch(), search_type="websearch", config=CONFIG
        )
    if not found:
        if not parsed.phrases:
            return None  # Only stop words or minus words: nothing to look for.
        return Q(search_document=narrowing)
    return found & Q(search_document=narrowing) if narrowing else found


def _newest(condition: Q) -> Q:
    """
    The newest BROAD due publications meeting `condition`, as a filter: by
    pk, which PostgreSQL reads backwards until it has enough when most rows
    match, or takes from the full-text index when few do.
    """
    newest = (
        Publication.objects.live_or_superseded()
        .filter(condition)
        .order_by("-pk")
        .values("pk")[:BROAD]
    )
    return Q(pk__in=newest)


def matching(publications: QuerySet, query: str) -> QuerySet:
    """
    `publications` that match `query`, best first: ranked by how well their
    title, excerpt and claims match all its words (the body finds results
    but is not read to rank them, which would cost a read of every match's
    whole document), then newest first.
    """
    parsed = parse(clean_query(query))
    if connections[publications.db].vendor == "postgresql":
        found = _match(parsed, using=publications.db)
        if found is None:
            return publications.none()
        return ranked(publications.filter(found), parsed)
    if not parsed.words and not parsed.phrases:
        return publications.none()
    matches = Q()
    for text in parsed.words + parsed.phrases:
        matches &= _contains(text)
    for word in parsed.excluded:
        matches &= ~_contains(word)
    return (
        publications.filter(matches)
        .order_by("-first_published_at", "-pk")
        .prefetch_related("topics")
    )


def ranked(publications: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """`publications` in the order of their match with the query (PostgreSQL)."""
    from django.contrib.postgres.search import SearchRank

    return (
        # Lists need none of these; leaving them out keeps sorting light.
        publications.defer(*UNLISTED)
        .annotate(
            # Normalisation 1 divides by 1 + log(length): a long excerpt
            # mentioning a word often does not bury a short, exact title.
            rank=SearchRank(F("search_head"), _rank_query(parsed), normalization=1)
        )
        .order_by("-rank", "-first_published_at", "-pk")
        .prefetch_related("topics")
    )


class ResultsPaginator(Paginator):
    """
    Pages of search results, counted up to COUNT_LIMIT only: counting every
    match of a broad query would cost a read of each. `capped` says the
    count stopped there ("more than 1,000 results").

    With `candidates` (PostgreSQL), the same results but from publications
    that need no check for being current (`live_or_superseded()`), and
    `current(pks)`, the live ones among those pks in the same order, a page
    is read from the best CANDIDATES_PER_ROW × the rows up to its end (plus
    CANDIDATE_SLACK) of the candidates, instead of checking every match for
    being current before ranking them. The candidates hold every result in
    the same order, so a page that comes back full is exact; one that comes
    back short of what the count says (the best candidates were mostly
    superseded versions) is read again from the results themselves.
    """

    COUNT_LIMIT = 1000
    CANDIDATES_PER_ROW = 4
    CANDIDATE_SLACK = 40

    def __init__(
        self, object_list, per_page, *, candidates=None, current=None, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.candidates, self.current = candidates, current

    @cached_property
    def count(self):
        # Neither ranked nor sorted: counting needs only which rows match.
        unranked = self.object_list.order_by().values("pk")
        return unranked[: self.COUNT_LIMIT + 1].count()

    @property
    def capped(self):
        return self.count > self.COUNT_LIMIT

    def page(self, number):
        if self.candidates is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.count:
            return self._get_page([], number, self)
        best = self.candidates[: top * self.CANDIDATES_PER_ROW + self.CANDIDATE_SLACK]
        rows = list(self.current(best)[bottom:top])
        if len(rows) < min(self.per_page, self.count - bottom):
            rows = list(self.object_list[bottom:top])
        return self._get_page(rows, number, self)


def results(query: str, *, per_page: int, **filters) -> ResultsPaginator:
    """
    The live publications matching a reader's query, narrowed by the search
    filters (`narrowed()`), best first, in pages of `per_page`.
    """
    live = Publication.objects.live()
    if connections[live.db].vendor != "postgresql":
        return ResultsPaginator(narrowed(matching(live, query), **filters), per_page)
    parsed = parse(clean_query(query))
    found = _match(parsed, using=live.db)
    if found is None:
        return ResultsPaginator(live.none(), per_page)
    candidates = Publication.objects.live_or_superseded().filter(found)
    return ResultsPaginator(
        narrowed(ranked(live.filter(found), parsed), **filters),
        per_page,
        candidates=narrowed(ranked(candidates, parsed), **filters).values("pk"),
        current=lambda pks: ranked(live.filter(pk__in=pks), parsed),
    )


def _contains(text):
    return (
        Q(title__icontains=text)
        | Q(excerpt__icontains=text)
        | Q(body_text__icontains=text)
    )


def narrowed(publications, *, topic=None, rating="", since=None, until=None):
    """Search results (or any publications) limited by the search filters."""
    if topic is not None:
        publications = publications.filter(topics=topic)
    if rating:
        publications = publications.filter(ratings__contains=f" {rating} ")
    if since is not None:
        publications = publications.filter(first_published_at__date__gte=since)
    if until is not None:
        publications = publications.filter(first_published_at__date__lte=until)
    return publications
